/*
 * message.c - a close-out as the message CITS receives: RFC 5322 with CRLF
 * line ends, the Subject RFC 2047-encoded, Section 2 as a labelled
 * quoted-printable text and as a base64 CSV attachment.  Every header value
 * is checked for line breaks once more here, as nothing may reach a wire
 * that could split a header.
 */
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

void svc__mail_free(svc__mail_t *m)
{
	free(m->from);
	free(m->to);
	free(m->cc);
	free(m->dealer_id);
	free(m->dealer_name);
	memset(m, 0, sizeof *m);
}

/* No header may be split: refuse CR, LF (and so NUL, which ends a C string). */
static svc_status_t header_safe(svc_db_t *db, const char *what, const char *v)
{
	if (v && strpbrk(v, "\r\n"))
		return svc__error(db, SVC_EINVAL,
				  "cannot write the close-out: the %s holds a line break; a header may not", what);
	return SVC_OK;
}

svc_status_t svc__mail_load(svc_db_t *db, svc__mail_t *m)
{
	svc_status_t rc;

	memset(m, 0, sizeof *m);
	if ((rc = svc__config_get(db, "mail.from", &m->from)) != SVC_OK ||
	    (rc = svc__config_get(db, "closeout.to", &m->to)) != SVC_OK ||
	    (rc = svc__config_get(db, "closeout.cc", &m->cc)) != SVC_OK ||
	    (rc = svc__config_get(db, "dealer.id", &m->dealer_id)) != SVC_OK ||
	    (rc = svc__config_get(db, "dealer.name", &m->dealer_name)) != SVC_OK)
		goto fail;
	if (!m->from) {
		rc = svc__error(db, SVC_ECONFIG,
				"the close-out has no sender: set it with 'servicer config set mail.from service@dealer.example'");
		goto fail;
	}
	/* config set refuses these already; a database edited by hand may not. */
	if ((rc = header_safe(db, "sender (mail.from)", m->from)) != SVC_OK ||
	    (rc = header_safe(db, "recipient (closeout.to)", m->to)) != SVC_OK ||
	    (rc = header_safe(db, "copy (closeout.cc)", m->cc)) != SVC_OK)
		goto fail;
	return SVC_OK;
fail:
	svc__mail_free(m);
	return rc;
}

/* Section 2's fields, labelled, in order: the body and the CSV alike. */
typedef struct field {
	const char *label, *key;
	char *value; /* malloc'd, NULL when absent */
} field_t;

enum { F_DEALER_ID, F_DEALER_NAME, F_NUMBER, F_MODEL, F_SERIAL, F_RECEIVED, F_ARRIVED,
       F_COMPLETED, F_LABOR, F_TRAVEL, F_SYMPTOM, F_CAUSE, F_ACTION, F_PARTS, F_METER,
       F_TECH, F_SIGNED, F_REMARKS, F_COUNT };

static void fill_fields(const svc__mail_t *m, const svc_closeout_t *c, const char *received,
			field_t f[F_COUNT])
{
	static const char *const labels[F_COUNT][2] = {
		{ "Dealer ID", "dealer_id" }, { "Dealer name", "dealer_name" },
		{ "Dispatch number", "dispatch_number" }, { "Model", "model" },
		{ "Serial number", "serial" }, { "Call received", "received_at" },
		{ "Arrival", "arrived_at" }, { "Completion", "completed_at" },
		{ "Labor hours", "labor_hours" }, { "Travel hours", "travel_hours" },
		{ "Symptom", "symptom" }, { "Cause", "cause" }, { "Action", "action" },
		{ "Parts", "parts" }, { "Meter at close", "meter" },
		{ "Technician", "technician" }, { "Customer sign-off", "signed_by" },
		{ "Remarks", "remarks" },
	};
	char t[SVC_TIME_MAX], num[32];
	svc_buf_t parts = { 0 };

	for (int i = 0; i < F_COUNT; i++)
		f[i] = (field_t){ labels[i][0], labels[i][1], NULL };
	f[F_DEALER_ID].value = svc__strdup(m->dealer_id);
	f[F_DEALER_NAME].value = svc__strdup(m->dealer_name);
	f[F_NUMBER].value = svc__strdup(c->number);
	f[F_MODEL].value = svc__strdup(c->model);
	f[F_SERIAL].value = svc__strdup(c->serial);
	f[F_RECEIVED].value = svc__strdup(svc__time_shown(received, false, t));
	f[F_ARRIVED].value = svc__strdup(svc__time_shown(c->arrived_at, false, t));
	f[F_COMPLETED].value = svc__strdup(svc__time_shown(c->completed_at, false, t));
	svc_hours_text(c->labor_minutes, num);
	f[F_LABOR].value = svc__strdup(num);
	if (c->travel_minutes >= 0) {
		svc_hours_text(c->travel_minutes, num);
		f[F_TRAVEL].value = svc__strdup(num);
	}
	f[F_SYMPTOM].value = svc__strdup(c->symptom);
	f[F_CAUSE].value = svc__strdup(c->cause);
	f[F_ACTION].value = svc__strdup(c->action);
	for (size_t i = 0; i < c->nparts; i++)
		svc__buf_printf(&parts, "%s%s x %lld%s%s", i ? "; " : "", c->parts[i].part_no,
				c->parts[i].qty, c->parts[i].etag_claim ? " e-Tag claim " : "",
				c->parts[i].etag_claim ? c->parts[i].etag_claim : "");
	f[F_PARTS].value = parts.len ? svc__strdup(svc__buf_str(&parts)) : NULL;
	svc__buf_free(&parts);
	if (c->meter >= 0) {
		snprintf(num, sizeof num, "%lld", c->meter);
		f[F_METER].value = svc__strdup(num);
	}
	f[F_TECH].value = svc__strdup(c->technician);
	f[F_SIGNED].value = svc__strdup(c->signed_by);
	f[F_REMARKS].value = svc__strdup(c->remarks);
}

static void body_text(svc_buf_t *b, const field_t f[F_COUNT])
{
	svc__buf_puts(b, "Service Dispatch Form - Section 2\n\n");
	for (int i = 0; i < F_COUNT; i++)
		svc__buf_printf(b, "%s:%*s%s\n", f[i].label, (int)(20 - strlen(f[i].label)), "",
				f[i].value ? f[i].value : "-");
}

static void csv_text(svc_buf_t *b, const field_t f[F_COUNT])
{
	for (int i = 0; i < F_COUNT; i++)
		svc__csv_field(b, f[i].key, i == 0);
	svc__buf_puts(b, "\r\n");
	for (int i = 0; i < F_COUNT; i++)
		svc__csv_field(b, f[i].value, i == 0);
	svc__buf_puts(b, "\r\n");
}

static void headers(svc_buf_t *b, const svc__mail_t *m, const svc_closeout_t *c,
		    int64_t date, const char *boundary)
{
	svc_buf_t subject = { 0 };

	svc__buf_puts(b, "Date: ");
	svc__rfc5322_date(b, date);
	svc__buf_printf(b, "\r\nMessage-ID: %s\r\n", c->message_id);
	svc__header_list(b, "From", m->from);
	svc__header_list(b, "To", m->to);
	if (m->cc)
		svc__header_list(b, "Cc", m->cc);
	svc__buf_printf(&subject,
			"Service Dispatch Form Section 2 \xe2\x80\x94 dispatch %s \xe2\x80\x94 %s %s",
			c->number ? c->number : "(none)", c->model ? c->model : "", c->serial);
	svc__header_encoded(b, "Subject", svc__buf_str(&subject));
	svc__buf_free(&subject);
	svc__buf_printf(b, "MIME-Version: 1.0\r\n"
			   "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", boundary);
}

static void compose(svc_buf_t *b, const svc__mail_t *m, const svc_closeout_t *c,
		    int64_t date, const field_t f[F_COUNT])
{
	svc_buf_t text = { 0 }, csv = { 0 };
	char boundary[64];

	/* "=_" never occurs in quoted-printable or base64 text. */
	snprintf(boundary, sizeof boundary, "=_servicer_closeout_%lld_%lld", c->dispatch_id,
		 (long long)date);
	headers(b, m, c, date, boundary);
	body_text(&text, f);
	csv_text(&csv, f);
	svc__buf_printf(b, "This is a MIME message: Section 2 as text and as CSV.\r\n\r\n"
			   "--%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
			   "Content-Transfer-Encoding: quoted-printable\r\n\r\n", boundary);
	svc__quoted_printable(b, svc__buf_str(&text));
	svc__buf_printf(b, "\r\n--%s\r\nContent-Type: text/csv; charset=UTF-8;"
			   " name=\"section2-%lld.csv\"\r\n"
			   "Content-Disposition: attachment; filename=\"section2-%lld.csv\"\r\n"
			   "Content-Transfer-Encoding: base64\r\n\r\n", boundary, c->dispatch_id,
			c->dispatch_id);
	svc__base64(b, csv.p ? csv.p : "", csv.len, true);
	svc__buf_printf(b, "--%s--\r\n", boundary);
	svc__buf_free(&text);
	svc__buf_free(&csv);
}

static svc_status_t received_at(svc_db_t *db, long long id, char out[21])
{
	svc__call_row_t call;
	svc_status_t rc = svc__store_call_get(db, id, &call);

	snprintf(out, 21, "%s", rc == SVC_OK && call.found ? call.d.received_at : "");
	svc__store_call_done(&call);
	return rc;
}

/* The message of the close-out C, addressed with M, into B. */
svc_status_t svc__closeout_compose(svc_db_t *db, const svc__mail_t *m, const svc_closeout_t *c,
				   svc_buf_t *b)
{
	field_t f[F_COUNT];
	char received[21];
	int64_t date = 0;
	svc_status_t rc;

	if ((rc = received_at(db, c->dispatch_id, received)) != SVC_OK ||
	    (rc = header_safe(db, "dispatch number", c->number)) != SVC_OK ||
	    (rc = header_safe(db, "model", c->model)) != SVC_OK)
		return rc;
	svc__time_from_utc(c->prepared_at, &date);
	fill_fields(m, c, received, f);
	compose(b, m, c, date, f);
	for (int i = 0; i < F_COUNT; i++)
		free(f[i].value);
	if (b->oom)
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	return SVC_OK;
}

svc_status_t svc_closeout_message(svc_db_t *db, const char *ref, char **msg, size_t *len)
{
	char doing[96];
	svc__closeout_row_t row = { 0 };
	svc__mail_t m = { 0 };
	svc_buf_t b = { 0 };
	long long id;
	svc_status_t rc;

	*msg = NULL;
	*len = 0;
	snprintf(doing, sizeof doing, "print the close-out of dispatch '%s'", ref ? ref : "");
	if ((rc = svc__may(db, SVC__DO_CALL, doing)) == SVC_OK &&
	    (rc = svc__dispatch_resolve(db, ref, doing, &id)) == SVC_OK &&
	    (rc = svc__closeout_load(db, id, doing, &row)) == SVC_OK &&
	    (rc = svc__mail_load(db, &m)) == SVC_OK &&
	    (rc = svc__closeout_compose(db, &m, &row.c, &b)) == SVC_OK) {
		*msg = b.p;
		*len = b.len;
		b.p = NULL;
	}
	svc__buf_free(&b);
	svc__mail_free(&m);
	svc__free_parts((svc_part_t *)row.c.parts, row.c.nparts);
	svc__store_closeout_done(&row);
	return rc;
}
