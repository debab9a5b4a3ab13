/*
 * kb.c - knowledge content: the dealer's service notes, searched by
 * every word (store_kb.c holds the index).
 *
 * Seed 004: "A Knowledge User can only view Knowledge content and cannot
 * perform any other actions."  Every role reads it; administrators and
 * device managers, who do the service work, write it.
 */
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

/* Longest error code. */
#define CODE_MAX 32

/* BODY is UTF-8 text with line breaks and tabs, at most SVC_KB_BODY_MAX bytes. */
static svc_status_t check_body(svc_db_t *db, const char *body)
{
	size_t n = strlen(body);
	char *flat, err[160];
	bool ok;

	if (n > SVC_KB_BODY_MAX)
		return svc__error(db, SVC_EINVAL,
				  "cannot add knowledge content: the body has %zu bytes; at most %d",
				  n, SVC_KB_BODY_MAX);
	if (!(flat = svc__strdup(body)))
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	for (char *p = flat; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	ok = svc__text_ok(flat, SVC_KB_BODY_MAX, err, sizeof err);
	free(flat);
	if (!ok)
		return svc__error(db, SVC_EINVAL, "cannot add knowledge content: the body %s", err);
	return SVC_OK;
}

static svc_status_t check_code(svc_db_t *db, const char *code)
{
	if (strlen(code) > CODE_MAX)
		return svc__error(db, SVC_EINVAL,
				  "cannot add knowledge content: the error code '%s' is longer than %d characters",
				  code, CODE_MAX);
	for (const char *p = code; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return svc__error(db, SVC_EINVAL,
					  "cannot add knowledge content: the error code '%s' holds a space or a character that is not plain ASCII",
					  code);
	return SVC_OK;
}

svc_status_t svc_kb_add(svc_db_t *db, const svc_kb_req_t *q, long long *id)
{
	static const char doing[] = "add knowledge content";
	const char *model = svc__blank(q->model) ? NULL : q->model;
	const char *code = svc__blank(q->code) ? NULL : q->code;
	char now[21];
	svc__model_row_t spelled;
	svc_buf_t object = { 0 }, after = { 0 };
	svc_status_t rc;

	if ((rc = SVC__VERSION_OK(db, q, SVC_KB_REQ_VERSION, doing)) != SVC_OK ||
	    (rc = svc__may(db, SVC__DO_KB_WRITE, doing)) != SVC_OK)
		return rc;
	if (svc__no_text(q->title) || svc__no_text(q->body))
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: give a title and a body (--body TEXT or --file FILE)",
				  doing);
	if ((rc = svc__check_text(db, doing, "title", q->title, SVC_TEXT_MAX)) != SVC_OK ||
	    (rc = svc__check_text(db, doing, "model", model, SVC_MODEL_MAX)) != SVC_OK ||
	    (code && (rc = check_code(db, code)) != SVC_OK) ||
	    (rc = check_body(db, q->body)) != SVC_OK ||
	    (rc = svc__begin(db)) != SVC_OK)
		return rc;
	svc__now(now);
	/* A model of the catalogue is spelled as the catalogue spells it. */
	if (model && (rc = svc__store_model_get(db, model, &spelled)) != SVC_OK)
		return svc__finish(db, rc);
	if (model && spelled.found)
		model = spelled.name;
	svc_kb_entry_t e = {
		.title = q->title, .model = model, .code = code, .body = q->body,
		.added_at = now, .added_by = db->actor,
	};
	if ((rc = svc__store_kb_add(db, &e, id)) == SVC_OK) {
		svc__buf_printf(&object, "kb %lld", *id);
		svc__json_field(&after, "title", q->title);
		if (model)
			svc__json_field(&after, "model", model);
		if (code)
			svc__json_field(&after, "code", code);
		rc = svc__audit(db, "add", svc__buf_str(&object), NULL, svc__buf_str(&after));
	}
	svc__buf_free(&object);
	svc__buf_free(&after);
	return svc__finish(db, rc);
}

/* Entries with their snippet on one line, as a listing shows it. */
typedef struct flat {
	svc_kb_cb cb;
	void *ctx;
	bool oom;
} flat_t;

static int flat_snippet(const svc_kb_entry_t *e, void *ctx)
{
	flat_t *f = ctx;
	svc_kb_entry_t copy = *e;
	char *snippet = svc__strdup(e->snippet);
	int stop;

	if (e->snippet && !snippet) {
		f->oom = true;
		return -1;
	}
	for (char *p = snippet; p && *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	copy.snippet = snippet;
	stop = f->cb(&copy, f->ctx);
	free(snippet);
	return stop;
}

svc_status_t svc_kb_search(svc_db_t *db, const char *words, int limit, svc_kb_cb cb,
			   void *ctx)
{
	flat_t f = { cb, ctx, false };
	char err[160];
	svc_status_t rc;

	if ((rc = svc__may(db, SVC__DO_KB_READ, "search knowledge content")) != SVC_OK)
		return rc;
	if (words && !svc__text_ok(words, SVC_TEXT_MAX, err, sizeof err))
		return svc__error(db, SVC_EINVAL, "cannot search: the words %s", err);
	if (svc__no_text(words))
		return svc__error(db, SVC_EINVAL, "cannot search: give the words to search for");
	rc = svc__store_kb_search(db, words, limit > 0 ? limit : 20, flat_snippet, &f);
	if (rc == SVC_OK && f.oom)
		rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	return rc;
}

static svc_status_t parse_id(svc_db_t *db, const char *doing, const char *s, long long *id)
{
	if (!svc__parse_uint(s, INT64_MAX, id) || *id == 0)
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: '%s' is not an entry number; see 'servicer kb search'",
				  doing, s ? s : "");
	return SVC_OK;
}

/* Entry ID to CB; SVC_ENOTFOUND when there is none. */
static svc_status_t find_entry(svc_db_t *db, const char *doing, long long id, svc_kb_cb cb,
			       void *ctx)
{
	bool found;
	svc_status_t rc = svc__store_kb_get(db, id, &found, cb, ctx);

	if (rc == SVC_OK && !found)
		return svc__error(db, SVC_ENOTFOUND,
				  "cannot %s: there is no entry %lld; see 'servicer kb search'", doing,
				  id);
	return rc;
}

svc_status_t svc_kb_show(svc_db_t *db, const char *id_text, svc_kb_cb cb, void *ctx)
{
	static const char doing[] = "show knowledge content";
	long long id;
	svc_status_t rc;

	if ((rc = svc__may(db, SVC__DO_KB_READ, doing)) != SVC_OK ||
	    (rc = parse_id(db, doing, id_text, &id)) != SVC_OK)
		return rc;
	return find_entry(db, doing, id, cb, ctx);
}

/* The entry as the audit log keeps it, into the buffer CTX. */
static int entry_json(const svc_kb_entry_t *e, void *ctx)
{
	svc_buf_t *b = ctx;

	svc__json_field(b, "title", e->title);
	if (e->model)
		svc__json_field(b, "model", e->model);
	if (e->code)
		svc__json_field(b, "code", e->code);
	svc__json_field(b, "body", e->body);
	return 0;
}

svc_status_t svc_kb_remove(svc_db_t *db, const char *id_text)
{
	static const char doing[] = "remove knowledge content";
	svc_buf_t object = { 0 }, before = { 0 };
	long long id;
	svc_status_t rc;

	if ((rc = svc__may(db, SVC__DO_KB_WRITE, doing)) != SVC_OK ||
	    (rc = parse_id(db, doing, id_text, &id)) != SVC_OK ||
	    (rc = svc__begin(db)) != SVC_OK)
		return rc;
	svc__buf_printf(&object, "kb %lld", id);
	if ((rc = find_entry(db, doing, id, entry_json, &before)) == SVC_OK &&
	    (rc = svc__store_kb_remove(db, id)) == SVC_OK)
		rc = svc__audit(db, "remove", svc__buf_str(&object), svc__buf_str(&before), NULL);
	svc__buf_free(&object);
	svc__buf_free(&before);
	return svc__finish(db, rc);
}
