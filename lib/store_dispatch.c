/*
 * store_dispatch.c - service calls as stored: the call, its events, its
 * steps and corrections, and the listings, each restricted to the calls a
 * user may see (SVC_CALL_VISIBLE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

#define CALL_SELECT \
	"SELECT d.id, d.number, d.serial, d.model, d.registration, d.route," \
	" d.route_reason, d.in_warranty, d.compensable, d.source, d.status," \
	" d.problem, d.contact, d.phone, d.received_at, d.response_hours," \
	" d.response_due, d.assigned_to, d.arrived_at, v.assigned_to," \
	" d.waited_minutes, d.response_met, d.late_minutes, v.customer" \
	" FROM dispatch d LEFT JOIN device v ON v.serial = d.serial"

enum { C_ID, C_NUMBER, C_SERIAL, C_MODEL, C_REGISTRATION, C_ROUTE, C_REASON,
       C_IN_WARRANTY, C_COMPENSABLE, C_SOURCE, C_STATUS, C_PROBLEM, C_CONTACT,
       C_PHONE, C_RECEIVED, C_HOURS, C_DUE, C_ASSIGNED, C_ARRIVED, C_MANAGER,
       C_WAITED_MINUTES, C_MET, C_LATE, C_CUSTOMER };

static long long column_or(svc__stmt_t *st, int i, long long absent)
{
	return svc__col_null(st, i) ? absent : svc__col_i64(st, i);
}

static void call_from_row(svc__stmt_t *st, svc_dispatch_t *d)
{
	memset(d, 0, sizeof *d);
	d->id = svc__col_i64(st, C_ID);
	d->number = svc__col_text(st, C_NUMBER);
	d->serial = svc__col_text(st, C_SERIAL);
	d->model = svc__col_text(st, C_MODEL);
	d->registration = svc__col_text(st, C_REGISTRATION);
	d->route = svc__col_text(st, C_ROUTE);
	d->route_reason = svc__col_text(st, C_REASON);
	d->in_warranty = (int)column_or(st, C_IN_WARRANTY, -1);
	d->compensable = svc__col_int(st, C_COMPENSABLE) != 0;
	d->source = svc__col_text(st, C_SOURCE);
	d->status = svc__col_text(st, C_STATUS);
	d->problem = svc__col_text(st, C_PROBLEM);
	d->contact = svc__col_text(st, C_CONTACT);
	d->phone = svc__col_text(st, C_PHONE);
	d->received_at = svc__col_text(st, C_RECEIVED);
	d->response_hours = svc__col_int(st, C_HOURS);
	d->response_due = svc__col_text(st, C_DUE);
	d->assigned_to = svc__col_text(st, C_ASSIGNED);
	d->arrived_at = svc__col_text(st, C_ARRIVED);
	d->waited_minutes = column_or(st, C_WAITED_MINUTES, -1);
	d->response_met = (int)column_or(st, C_MET, -1);
	d->late_minutes = column_or(st, C_LATE, 0);
	d->customer = svc__col_text(st, C_CUSTOMER);
}

svc_status_t svc__store_call_get(svc_db_t *db, long long id, svc__call_row_t *row)
{
	svc_status_t rc;

	memset(row, 0, sizeof *row);
	if ((rc = svc__prepare(db, CALL_SELECT " WHERE d.id = ?", &row->st)) != SVC_OK)
		return rc;
	svc__bind_int(row->st, 1, id);
	if ((row->found = svc__row(db, row->st, &rc)))
		call_from_row(row->st, &row->d);
	return rc;
}

void svc__store_call_done(svc__call_row_t *row)
{
	svc__finalize(row->st);
	row->st = NULL;
}

svc_status_t svc__store_call_list(svc_db_t *db, const svc__call_query_t *q, svc_dispatch_cb cb,
				  void *ctx)
{
	/* Each filter given is written so that the index on (status,
	 * response_due) can answer it: open calls and late ones are a few
	 * among all a dealer ever had ("+d.id": sorting the few found beats
	 * reading the table in id order).  Each parameter stays in the text. */
	const char *status = !q->status ? "?1 IS NULL"
			     : strcmp(q->status, "open") == 0
				     ? "d.status IN ('received', 'assigned', 'onsite', 'completed')"
				       " AND ?1 = 'open'"
				     : "d.status = ?1";
	const char *due = q->due_by ? "d.status IN ('received', 'assigned') AND d.response_due <= ?4"
				    : "?4 IS NULL";
	char sql[2048];
	svc__stmt_t *st = NULL;
	svc_dispatch_t d;
	svc_status_t rc;

	snprintf(sql, sizeof sql,
		 CALL_SELECT " WHERE %s AND (?2 IS NULL OR d.assigned_to = ?2) AND "
		 SVC_CALL_VISIBLE("3") " AND %s ORDER BY %s",
		 status, due, q->due_by ? "d.response_due, d.id" : q->status ? "+d.id" : "d.id");
	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	svc__bind_opt(st, 1, q->status);
	svc__bind_opt(st, 2, q->assigned_to);
	svc__bind_opt(st, 3, q->visible_to);
	svc__bind_opt(st, 4, q->due_by);
	while (svc__row(db, st, &rc)) {
		call_from_row(st, &d);
		if (cb(&d, ctx) != 0)
			break;
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_events(svc_db_t *db, long long id,
			       int (*cb)(const svc_dispatch_event_t *e, void *ctx), void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "SELECT at, event, by, detail FROM dispatch_event"
				   " WHERE dispatch_id = ? ORDER BY at, id", &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	while (svc__row(db, st, &rc)) {
		svc_dispatch_event_t e = { svc__col_text(st, 0), svc__col_text(st, 1),
					   svc__col_text(st, 2), svc__col_text(st, 3) };

		if (cb(&e, ctx) != 0)
			break;
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_event_add(svc_db_t *db, long long id, const char *at, const char *event,
				  const char *detail)
{
	return svc__write(db, "record the event",
			  "INSERT INTO dispatch_event(dispatch_id, at, event, by, detail)"
			  " VALUES(?, ?, ?, ?, ?)", "ittto", id, at, event, db->actor, detail);
}

svc_status_t svc__store_event_latest(svc_db_t *db, long long id, const char *now, char at[21])
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "SELECT CASE WHEN max(at) > ?2 THEN max(at) ELSE ?2 END FROM dispatch_event"
				   " WHERE dispatch_id = ?1", &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	svc__bind_text(st, 2, now);
	snprintf(at, 21, "%s", now);
	if (svc__row(db, st, &rc) && svc__col_text(st, 0))
		snprintf(at, 21, "%s", svc__col_text(st, 0));
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_event_time(svc_db_t *db, long long id, const char *event, char out[21])
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	out[0] = '\0';
	if ((rc = svc__prepare(db, "SELECT max(at) FROM dispatch_event WHERE dispatch_id = ?"
				   " AND event = ?", &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	svc__bind_text(st, 2, event);
	if (svc__row(db, st, &rc) && svc__col_text(st, 0))
		snprintf(out, 21, "%s", svc__col_text(st, 0));
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_call_numbered(svc_db_t *db, const char *number, svc__call_ref_t *r)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	memset(r, 0, sizeof *r);
	if ((rc = svc__prepare(db, "SELECT id, serial, received_at FROM dispatch WHERE number = ?",
			       &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, number);
	if ((r->found = svc__row(db, st, &rc))) {
		r->id = svc__col_i64(st, 0);
		snprintf(r->serial, sizeof r->serial, "%s", svc__col_text(st, 1));
		snprintf(r->received, sizeof r->received, "%s", svc__col_text(st, 2));
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_call_exists(svc_db_t *db, long long id, bool *found)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "SELECT id FROM dispatch WHERE id = ?", &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	*found = svc__row(db, st, &rc);
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_call_insert(svc_db_t *db, const svc_dispatch_t *c, const char *support,
				    const char *warranty_end, long long *id)
{
	static const char sql[] =
		"INSERT INTO dispatch(number, serial, model, registration, support, warranty_end,"
		" in_warranty, route, route_reason, compensable, source, status, problem, contact,"
		" phone, received_at, response_hours, response_due)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'received', ?12, ?13, ?14,"
		" ?15, ?16, ?17)";
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	svc__bind_opt(st, 1, c->number);
	svc__bind_text(st, 2, c->serial);
	svc__bind_opt(st, 3, c->model);
	svc__bind_opt(st, 4, c->registration);
	svc__bind_opt(st, 5, support);
	svc__bind_opt(st, 6, warranty_end);
	if (c->in_warranty >= 0)
		svc__bind_int(st, 7, c->in_warranty);
	svc__bind_text(st, 8, c->route);
	svc__bind_text(st, 9, c->route_reason);
	svc__bind_int(st, 10, c->compensable);
	svc__bind_text(st, 11, c->source);
	svc__bind_text(st, 12, c->problem);
	svc__bind_opt(st, 13, c->contact);
	svc__bind_opt(st, 14, c->phone);
	svc__bind_text(st, 15, c->received_at);
	if (c->response_hours > 0)
		svc__bind_int(st, 16, c->response_hours);
	svc__bind_opt(st, 17, c->response_due);
	if ((rc = svc__step_done(db, st, "record the call")) == SVC_OK)
		*id = svc__last_id(db);
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_call_state(svc_db_t *db, long long id, svc__call_state_t *c)
{
	static const char sql[] =
		"SELECT d.serial, d.status, d.assigned_to, e.event, e.at, d.received_at,"
		" d.response_due FROM dispatch d"
		" JOIN dispatch_event e ON e.dispatch_id = d.id"
		" WHERE d.id = ? AND e.event <> 'renumbered' AND e.event <> 'amended'"
		" ORDER BY e.at DESC, e.id DESC LIMIT 1";
	char *const out[] = { c->serial, c->status, c->assigned, c->last_event, c->last_at,
			      c->received, c->due };
	const size_t size[] = { sizeof c->serial, sizeof c->status, sizeof c->assigned,
				sizeof c->last_event, sizeof c->last_at, sizeof c->received,
				sizeof c->due };
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	memset(c, 0, sizeof *c);
	c->id = id;
	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	if ((c->found = svc__row(db, st, &rc)))
		for (int i = 0; i < (int)(sizeof out / sizeof *out); i++)
			snprintf(out[i], size[i], "%s", svc__col_text(st, i) ? svc__col_text(st, i) : "");
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_call_step(svc_db_t *db, long long id, const char *to,
				  const char *assigned, const char *arrived,
				  const long long level[3])
{
	return svc__write(db, "change the call", "UPDATE dispatch SET status = ?2,"
			  " assigned_to = coalesce(?3, assigned_to),"
			  " arrived_at = coalesce(?4, arrived_at),"
			  " waited_minutes = coalesce(?5, waited_minutes),"
			  " response_met = coalesce(?6, response_met),"
			  " late_minutes = coalesce(?7, late_minutes) WHERE id = ?1", "itoonnn", id, to,
			  assigned, arrived, level[0], level[1], level[2]);
}

svc_status_t svc__store_call_close(svc_db_t *db, long long id, bool *closed)
{
	svc_status_t rc = svc__write(db, "close the call", "UPDATE dispatch SET status = 'closed'"
				     " WHERE id = ? AND status = 'completed'", "i", id);

	*closed = rc == SVC_OK && svc__changes(db) == 1;
	return rc;
}

svc_status_t svc__store_call_fixable(svc_db_t *db, long long id, svc__call_fix_t *c)
{
	static const char sql[] =
		"SELECT d.serial, d.assigned_to, d.number, d.contact, d.phone, d.problem,"
		" c.status, c.sent_at, c.unconfirmed_at"
		" FROM dispatch d LEFT JOIN closeout c ON c.dispatch_id = d.id WHERE d.id = ?";
	char *const out[] = { c->serial, c->assigned, c->number };
	const size_t size[] = { sizeof c->serial, sizeof c->assigned, sizeof c->number };
	char *const co[] = { c->co_status, c->co_sent, c->co_unconfirmed };
	const size_t co_size[] = { sizeof c->co_status, sizeof c->co_sent, sizeof c->co_unconfirmed };
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	memset(c, 0, sizeof *c);
	c->id = id;
	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	if ((c->found = svc__row(db, st, &rc))) {
		for (int i = 0; i < 3; i++) {
			snprintf(out[i], size[i], "%s", svc__col_text(st, i) ? svc__col_text(st, i) : "");
			snprintf(co[i], co_size[i], "%s",
				 svc__col_text(st, 6 + i) ? svc__col_text(st, 6 + i) : "");
		}
		char **field[] = { &c->contact, &c->phone, &c->problem };

		for (int i = 0; i < 3; i++)
			if (svc__col_text(st, 3 + i) &&
			    !(*field[i] = svc__strdup(svc__col_text(st, 3 + i))))
				rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	}
	svc__finalize(st);
	return rc;
}

svc_status_t svc__store_call_renumber(svc_db_t *db, long long id, const char *number)
{
	return svc__write(db, "renumber the call", "UPDATE dispatch SET number = ?2 WHERE id = ?1",
			  "it", id, number);
}

svc_status_t svc__store_call_amend(svc_db_t *db, long long id, const char *contact,
				   const char *phone, const char *problem)
{
	return svc__write(db, "amend the call", "UPDATE dispatch SET contact = ?2, phone = ?3,"
			  " problem = ?4 WHERE id = ?1", "ioot", id, contact, phone, problem);
}
