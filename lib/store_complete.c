/* store_complete.c - the names that begin with a prefix, for completion.
 *
 * On SQLite each is a range of an index: from the prefix to the prefix
 * followed by U+10FFFF, the last character there is, so that a tab press
 * reads the few names it shows and not the table (the BINARY order of
 * UTF-8 is the order of code points).  PostgreSQL orders text by the
 * database's collation, in which such a range may leave names out, so there
 * it is starts_with().  ?1 the prefix, ?2 the range's end, ?3 the owner,
 * ?4 the limit.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "servicer-private.h"

#define LAST_CHAR "\xf4\x8f\xbf\xbf" /* U+10FFFF */

static const struct {
	const char *table, *column, *extra;
} names[] = {
	[SVC_COMPLETE_SERIAL] = { "device", "serial", " AND (?3 IS NULL OR assigned_to = ?3)" },
	[SVC_COMPLETE_MODEL] = { "model", "model", "" },
	[SVC_COMPLETE_LOGIN] = { "\"user\"", "login", " AND removed_at IS NULL" },
	[SVC_COMPLETE_CITS] = { "dispatch d", "number", " AND " SVC_CALL_VISIBLE("3") },
	[SVC_COMPLETE_HOLIDAY] = { "holiday", "day", "" },
	[SVC_COMPLETE_STOCK_LOCATION] = { "stock_location", "name", "" },
};

svc_status_t svc__store_complete(svc_db_t *db, svc_complete_kind_t kind, const char *prefix,
				 const char *owner, long long limit, svc_name_cb cb, void *ctx)
{
	char sql[512], end[300];
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((unsigned)kind >= sizeof names / sizeof *names || !names[kind].table)
		return svc__error(db, SVC_EINTERNAL, "no names of this kind are stored");
	if (svc__dialect(db) == SVC__POSTGRESQL)
		snprintf(sql, sizeof sql,
			 "SELECT %2$s FROM %1$s WHERE starts_with(%2$s, ?1) AND ?2 IS NOT NULL%3$s"
			 " ORDER BY %2$s LIMIT ?4",
			 names[kind].table, names[kind].column, names[kind].extra);
	else
		snprintf(sql, sizeof sql,
			 "SELECT %2$s FROM %1$s WHERE %2$s >= ?1 AND %2$s < ?2%3$s"
			 " ORDER BY %2$s LIMIT ?4",
			 names[kind].table, names[kind].column, names[kind].extra);
	snprintf(end, sizeof end, "%s" LAST_CHAR, prefix);
	if ((rc = svc__prepare(db, sql, &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, prefix);
	svc__bind_text(st, 2, end);
	svc__bind_opt(st, 3, owner);
	svc__bind_int(st, 4, limit > 0 ? limit : INT64_MAX);
	while (svc__row(db, st, &rc))
		if (cb(svc__col_text(st, 0), ctx) != 0)
			break;
	svc__finalize(st);
	return rc;
}
