/*
 * store_report.c - what the reports read: every call of the compensation
 * report with its close-out and parts, and the arrivals of the service
 * levels, each restricted to the calls the user may see.
 */
#include <string.h>

#include "servicer-private.h"

/* Every call of the report, section by section, in the order shown; a
 * closed call with parts that have no e-Tag claim yet comes again, last.
 * PARTS and UNCLAIMED list a call's parts, as each engine joins strings. */
#define REPORT_SQL(PARTS, UNCLAIMED)                                                       \
	"WITH calls AS ("                                                                  \
	" SELECT d.id, d.number, d.serial, d.model, d.route, d.source, d.status,"          \
	"  d.route_reason, d.received_at,"                                                 \
	"  coalesce(c.completed_at, (SELECT max(e.at) FROM dispatch_event e"               \
	"    WHERE e.dispatch_id = d.id AND e.event = 'completed')) AS done,"              \
	"  c.status AS co_status, c.sent_at, c.labor_minutes, c.attempts, c.last_error,"   \
	"  CASE WHEN d.compensable = 0 THEN 2 WHEN d.status = 'closed' THEN 0 ELSE 1 END"   \
	"    AS section, c.travel_minutes, v.customer, " PARTS " AS parts, "                \
	UNCLAIMED " AS unclaimed"                                                           \
	" FROM dispatch d"                                                                 \
	" LEFT JOIN closeout c ON c.dispatch_id = d.id"                                    \
	" LEFT JOIN device v ON v.serial = d.serial"                                       \
	" WHERE d.status <> 'cancelled'"                                                   \
	"  AND (d.compensable = 0 OR d.status = 'completed' OR d.status = 'closed')"       \
	"  AND " SVC_CALL_VISIBLE("1") ")"                                                  \
	" SELECT id, number, serial, model, route, source, status, route_reason,"          \
	"  received_at, done, co_status, sent_at, labor_minutes, attempts, last_error,"    \
	"  section, travel_minutes, customer, parts, unclaimed FROM ("                     \
	"  SELECT * FROM calls"                                                            \
	"  UNION ALL SELECT id, number, serial, model, route, source, status, route_reason," \
	"   received_at, done, co_status, sent_at, labor_minutes, attempts, last_error, 3," \
	"   travel_minutes, customer, parts, unclaimed FROM calls"                         \
	"   WHERE status = 'closed' AND unclaimed IS NOT NULL) AS r"                       \
	" ORDER BY section, CASE WHEN section = 2 THEN received_at ELSE done END, id"
#define PART "p.part_no || ' x ' || p.qty"
#define CLAIM " || coalesce(' e-Tag claim ' || p.etag_claim, '')"
static const char *const report_sql[] = {
	[SVC__SQLITE] = REPORT_SQL(
		"(SELECT group_concat(part, '; ') FROM (SELECT " PART CLAIM " AS part"
		" FROM closeout_part p WHERE p.dispatch_id = d.id ORDER BY p.seq) AS q)",
		"(SELECT group_concat(part, '; ') FROM (SELECT " PART " AS part"
		" FROM closeout_part p WHERE p.dispatch_id = d.id AND p.etag_claim IS NULL"
		" ORDER BY p.seq) AS q)"),
	[SVC__POSTGRESQL] = REPORT_SQL(
		"(SELECT string_agg(" PART CLAIM ", '; ' ORDER BY p.seq) FROM closeout_part p"
		" WHERE p.dispatch_id = d.id)",
		"(SELECT string_agg(" PART ", '; ' ORDER BY p.seq) FROM closeout_part p"
		" WHERE p.dispatch_id = d.id AND p.etag_claim IS NULL)"),
};

enum { C_ID, C_NUMBER, C_SERIAL, C_MODEL, C_ROUTE, C_SOURCE, C_STATUS, C_REASON,
       C_RECEIVED, C_DONE, C_CO_STATUS, C_SENT, C_LABOR, C_ATTEMPTS, C_ERROR,
       C_SECTION, C_TRAVEL, C_CUSTOMER, C_PARTS, C_UNCLAIMED };

svc_status_t svc__store_report_calls(svc_db_t *db, const char *visible_to,
				     int (*cb)(const svc__report_call_t *c, void *ctx), void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, report_sql[svc__dialect(db)], &st)) != SVC_OK)
		return rc;
	svc__bind_opt(st, 1, visible_to);
	while (svc__row(db, st, &rc)) {
		svc__report_call_t c = {
			.section = svc__col_int(st, C_SECTION),
			.id = svc__col_i64(st, C_ID),
			.number = svc__col_text(st, C_NUMBER),
			.serial = svc__col_text(st, C_SERIAL),
			.model = svc__col_text(st, C_MODEL),
			.route = svc__col_text(st, C_ROUTE),
			.source = svc__col_text(st, C_SOURCE),
			.status = svc__col_text(st, C_STATUS),
			.route_reason = svc__col_text(st, C_REASON),
			.received_at = svc__col_text(st, C_RECEIVED),
			.completed_at = svc__col_text(st, C_DONE),
			.closeout = svc__col_text(st, C_CO_STATUS),
			.sent_at = svc__col_text(st, C_SENT),
			.labor_minutes = svc__col_null(st, C_LABOR) ? -1 : svc__col_i64(st, C_LABOR),
			.travel_minutes = svc__col_null(st, C_TRAVEL) ? -1 : svc__col_i64(st, C_TRAVEL),
			.attempts = svc__col_i64(st, C_ATTEMPTS),
			.last_error = svc__col_text(st, C_ERROR),
			.customer = svc__col_text(st, C_CUSTOMER),
			.parts = svc__col_text(st, C_PARTS),
			.unclaimed = svc__col_text(st, C_UNCLAIMED),
		};

		if (cb(&c, ctx) != 0)
			break;
	}
	svc__finalize(st);
	return rc;
}

static const char sla_sql[] =
	"SELECT d.assigned_to, d.waited_minutes, d.response_met, d.arrived_at FROM dispatch d"
	" WHERE d.arrived_at IS NOT NULL AND d.waited_minutes IS NOT NULL"
	"  AND d.assigned_to IS NOT NULL AND " SVC_CALL_VISIBLE("1")
	" ORDER BY d.assigned_to";

svc_status_t svc__store_report_arrivals(svc_db_t *db, const char *visible_to,
					int (*cb)(const char *tech, long long waited, int met,
						  const char *arrived_at, void *ctx),
					void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, sla_sql, &st)) != SVC_OK)
		return rc;
	svc__bind_opt(st, 1, visible_to);
	while (svc__row(db, st, &rc))
		if (cb(svc__col_text(st, 0), svc__col_i64(st, 1),
		       svc__col_null(st, 2) ? -1 : svc__col_int(st, 2), svc__col_text(st, 3), ctx) != 0)
			break;
	svc__finalize(st);
	return rc;
}
