/*
 * store_closeout.c - close-outs as stored: Section 2 of a call, its parts,
 * and its sending (attempts and outcomes).
 */
#include <stdio.h>
#include <string.h>

#include "servicer-private.h"

#define CLOSEOUT_SELECT \
	"SELECT c.dispatch_id, d.number, d.serial, d.model, c.status, c.message_id," \
	" c.prepared_at, c.sent_at, c.last_error, c.attempts, c.arrived_at," \
	" c.completed_at, c.labor_minutes, c.travel_minutes, c.symptom, c.cause," \
	" c.action, c.meter, c.technician, c.signed_by, c.remarks, d.source," \
	" c.last_attempt_at, c.unconfirmed_at, c.cc_refused" \
	" FROM closeout c JOIN dispatch d ON d.id = c.dispatch_id"

static long long col_num(svc__stmt_t *st, int i)
{
	return svc__col_null(st, i) ? -1 : svc__col_i64(st, i);
}

static void closeout_from_row(svc__stmt_t *st, svc_closeout_t *c)
{
	memset(c, 0, sizeof *c);
	c->dispatch_id = svc__col_i64(st, 0);
	c->number = svc__col_text(st, 1);
	c->serial = svc__col_text(st, 2);
	c->model = svc__col_text(st, 3);
	c->status = svc__col_text(st, 4);
	c->message_id = svc__col_text(st, 5);
	c->prepared_at = svc__col_text(st, 6);
	c->sent_at = svc__col_text(st, 7);
	c->last_error = svc__col_text(st, 8);
	c->attempts = svc__col_i64(st, 9);
	c->arrived_at = svc__col_text(st, 10);
	c->completed_at = svc__col_text(st, 11);
	c->labor_minutes = col_num(st, 12);
	c->travel_minutes = col_num(st, 13);
	c->symptom = svc__col_text(st, 14);
	c->cause = svc__col_text(st, 15);
	c->action = svc__col_text(st, 16);
	c->meter = col_num(st, 17);
	c->technician = svc__col_text(st, 18);
	c->signed_by = svc__col_text(st, 19);
	c->remarks = svc__col_text(st, 20);
	c->source = svc__col_text(st, 21);
	c->last_attempt_at = svc__col_text(st, 22);
	c->unconfirmed_at = svc__col_text(st, 23);
	c->cc_refused = svc__col_text(st, 24);
}

svc_status_t svc__store_closeout_get(svc_db_t *db, long long id, svc__closeout_row_t *row)
{
	svc_status_t rc;

	memset(row, 0, sizeof *row);
	if ((rc = svc__prepare(db, CLOSEOUT_SELECT " WHERE c.dispatch_id = ?", &row->st)) != SVC_OK)
		return rc;
	svc__bind_int(row->st, 1, id);
	if ((row->found = svc__row(db, row->st, &rc)))
		closeout_from_row(row->st, &row->c);
	return rc;
}

void svc__store_closeout_done(svc__closeout_row_t *row)
{
	svc__finalize(row->st);
	row->st = NULL;
}

svc_status_t svc__store_closeout_list(svc_db_t *db, const char *status, const char *visible_to,
				      svc_closeout_cb cb, void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_closeout_t c;
	svc_status_t rc;

	/* A status given asks its index: queued and failed close-outs are a
	 * few among all ever sent. */
	if ((rc = svc__prepare(db, status ? CLOSEOUT_SELECT " WHERE c.status = ?1 AND "
						SVC_CALL_VISIBLE("2") " ORDER BY c.dispatch_id"
					  : CLOSEOUT_SELECT " WHERE ?1 IS NULL AND "
						SVC_CALL_VISIBLE("2") " ORDER BY c.dispatch_id",
			       &st)) != SVC_OK)
		return rc;
	svc__bind_opt(st, 1, status);
	svc__bind_opt(st, 2, visible_to);
	while (svc__row(db, st, &rc)) {
		closeout_from_row(st, &c);
		if (cb(&c, ctx) != 0)
			break;
	}
	svc__finalize(st);
	return rc;
}

static void bind_number(svc__stmt_t *st, int i, long long v)
{
	if (v < 0)
		svc__bind_null(st, i);
	else
		svc__bind_int(st, i, v);
}

svc_status_t svc__store_closeout_put(svc_db_t *db, bool update, const svc_closeout_t *c)
{
	static const char insert[] =
		"INSERT INTO closeout(dispatch_id, status, arrived_at, completed_at, labor_minutes,"
		" travel_minutes, symptom, cause, action, meter, technician, signed_by, remarks,"
		" message_id, prepared_at) VALUES(?1, ?15, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
		" ?10, ?11, ?12, ?13, ?14)";
	static const char amend[] =
		"UPDATE closeout SET status = ?15, arrived_at = ?2, completed_at = ?3,"
		" labor_minutes = ?4, travel_minutes = ?5, symptom = ?6, cause = ?7, action = ?8,"
		" meter = ?9, technician = ?10, signed_by = ?11, remarks = ?12, prepared_at = ?14,"
		" last_error = NULL WHERE dispatch_id = ?1";
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, update ? amend : insert, &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, c->dispatch_id);
	svc__bind_text(st, 2, c->arrived_at);
	svc__bind_text(st, 3, c->completed_at);
	svc__bind_int(st, 4, c->labor_minutes);
	bind_number(st, 5, c->travel_minutes);
	svc__bind_text(st, 6, c->symptom);
	svc__bind_text(st, 7, c->cause);
	svc__bind_text(st, 8, c->action);
	bind_number(st, 9, c->meter);
	svc__bind_text(st, 10, c->technician);
	svc__bind_opt(st, 11, c->signed_by);
	svc__bind_opt(st, 12, c->remarks);
	if (!update)
		svc__bind_text(st, 13, c->message_id);
	svc__bind_text(st, 14, c->prepared_at);
	svc__bind_text(st, 15, c->status);
	rc = svc__step_done(db, st, "record the close-out");
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_parts_put(svc_db_t *db, long long id, const svc_part_t *p, size_t n)
{
	svc__stmt_t *del = NULL, *ins = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "DELETE FROM closeout_part WHERE dispatch_id = ?", &del)) != SVC_OK ||
	    (rc = svc__prepare(db, "INSERT INTO closeout_part(dispatch_id, seq, part_no, qty,"
				   " etag_claim) VALUES(?, ?, ?, ?, ?)", &ins)) != SVC_OK)
		goto out;
	svc__bind_int(del, 1, id);
	rc = svc__step_done(db, del, "replace the parts");
	for (size_t i = 0; i < n && rc == SVC_OK; i++) {
		svc__reset(ins);
		svc__bind_int(ins, 1, id);
		svc__bind_int(ins, 2, (long long)i + 1);
		svc__bind_text(ins, 3, p[i].part_no);
		svc__bind_int(ins, 4, p[i].qty);
		svc__bind_opt(ins, 5, p[i].etag_claim);
		rc = svc__step_done(db, ins, "record a part");
	}
out:
	svc__finalize(del);
	svc__finalize(ins);
	return rc;
}

svc_status_t svc__store_parts(svc_db_t *db, long long id,
			      int (*cb)(const svc_part_t *p, void *ctx), void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "SELECT part_no, qty, etag_claim FROM closeout_part"
				   " WHERE dispatch_id = ? ORDER BY seq", &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	while (svc__row(db, st, &rc)) {
		svc_part_t p = { svc__col_text(st, 0), svc__col_i64(st, 1), svc__col_text(st, 2) };

		if (cb(&p, ctx) != 0)
			break;
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_closeouts_queued(svc_db_t *db, const char *visible_to,
					 int (*cb)(long long id, void *ctx), void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "SELECT c.dispatch_id FROM closeout c"
				   " JOIN dispatch d ON d.id = c.dispatch_id"
				   " WHERE c.status = 'queued' AND " SVC_CALL_VISIBLE("1")
				   " ORDER BY c.dispatch_id", &st)) != SVC_OK)
		return rc;
	svc__bind_opt(st, 1, visible_to);
	while (svc__row(db, st, &rc))
		if (cb(svc__col_i64(st, 0), ctx) != 0)
			break;
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_attempt_begin(svc_db_t *db, long long id, const char *at)
{
	return svc__write(db, "record the attempt", "UPDATE closeout SET attempts = attempts + 1,"
			  " last_attempt_at = ?2, unconfirmed_at = ?2 WHERE dispatch_id = ?1", "it", id,
			  at);
}

svc_status_t svc__store_attempt_end(svc_db_t *db, long long id, const char *status,
				    const char *now, const char *reply, const char *unconfirmed,
				    const char *refused)
{
	return svc__write(db, "record the sending", "UPDATE closeout SET"
			  " status = CASE WHEN status = 'sent' OR ?2 IS NULL THEN status ELSE ?2 END,"
			  " sent_at = CASE WHEN ?2 = 'sent' THEN coalesce(sent_at, ?3) ELSE sent_at END,"
			  " last_error = CASE WHEN ?2 = 'sent' THEN NULL ELSE ?4 END,"
			  " unconfirmed_at = CASE WHEN ?2 IS NULL THEN unconfirmed_at ELSE ?5 END,"
			  " cc_refused = CASE WHEN ?2 = 'sent' THEN ?6 ELSE cc_refused END"
			  " WHERE dispatch_id = ?1", "iotooo", id, status, now, reply, unconfirmed,
			  refused);
}

svc_status_t svc__store_send_lock(svc_db_t *db, bool *held)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	*held = false;
	/* 'SVCS': a session's lock, released when the connection ends. */
	if ((rc = svc__prepare(db, "SELECT pg_try_advisory_lock(1398162259)", &st)) != SVC_OK)
		return rc;
	if (svc__row(db, st, &rc))
		*held = svc__col_int(st, 0) != 0;
	svc__finalize(st);
	return rc;
}
