/*
 * store_kb.c - knowledge content as stored, and searched: with SQLite
 * FTS5 (an external-content index, kb_text, kept in step by hand).
 */
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

/* Add entry ID to the full-text index, or take it out (REMOVE). */
static svc_status_t index_entry(svc_db_t *db, long long id, bool remove)
{
	/* PostgreSQL's index is a column the row computes itself. */
	if (svc__dialect(db) == SVC__POSTGRESQL)
		return SVC_OK;
	return svc__write(db, "index knowledge content", remove
			  ? "INSERT INTO kb_text(kb_text, rowid, title, model, code, body)"
			    " SELECT 'delete', id, title, model, code, body FROM kb WHERE id = ?"
			  : "INSERT INTO kb_text(rowid, title, model, code, body)"
			    " SELECT id, title, model, code, body FROM kb WHERE id = ?", "i", id);
}

svc_status_t svc__store_kb_add(svc_db_t *db, const svc_kb_entry_t *e, long long *id)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "INSERT INTO kb(title, model, code, body, added_at, added_by)"
				   " VALUES(?, ?, ?, ?, ?, ?)", &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, e->title);
	svc__bind_opt(st, 2, e->model);
	svc__bind_opt(st, 3, e->code);
	svc__bind_text(st, 4, e->body);
	svc__bind_text(st, 5, e->added_at);
	svc__bind_text(st, 6, e->added_by);
	rc = svc__step_done(db, st, "add knowledge content");
	svc__finalize(st);
	if (rc == SVC_OK) {
		*id = svc__last_id(db);
		rc = index_entry(db, *id, false);
	}
	return rc;
}

svc_status_t svc__store_kb_remove(svc_db_t *db, long long id)
{
	svc_status_t rc = index_entry(db, id, true);

	return rc == SVC_OK ? svc__write(db, "remove knowledge content",
					 "DELETE FROM kb WHERE id = ?", "i", id) : rc;
}

svc_status_t svc__store_kb_get(svc_db_t *db, long long id, bool *found, svc_kb_cb cb,
			       void *ctx)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "SELECT id, title, model, code, body, added_at, added_by"
				   " FROM kb WHERE id = ?", &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	if ((*found = svc__row(db, st, &rc))) {
		svc_kb_entry_t e = {
			.id = id, .title = svc__col_text(st, 1), .model = svc__col_text(st, 2),
			.code = svc__col_text(st, 3), .body = svc__col_text(st, 4),
			.added_at = svc__col_text(st, 5), .added_by = svc__col_text(st, 6),
		};

		cb(&e, ctx);
	}
	svc__finalize(st);
	return rc;
}

/*
 * WORDS as an FTS5 query: each word a quoted string, so that what a user
 * types ("E000007-0001", "fuser's") is searched for, never read as query
 * syntax.  The words must all match.
 */
static bool fts_query(const char *words, svc_buf_t *q)
{
	const char *p = words;

	while (*p) {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		n = strcspn(p, " \t\r\n");
		svc__buf_puts(q, q->len ? " \"" : "\"");
		for (size_t i = 0; i < n; i++)
			svc__buf_puts(q, p[i] == '"' ? "\"\"" : (char[2]){ p[i], 0 });
		svc__buf_puts(q, "\"");
		p += n;
	}
	return q->len > 0;
}

/* PostgreSQL's search: every word, title and code weighing most, as in
 * SQLite's; rank negated, so that smaller is better in both. */
static const char pg_search[] =
	"SELECT k.id, k.title, k.model, k.code, k.body,"
	" ts_headline('simple', concat_ws(' ', k.title, k.code, k.model, k.body), q,"
	"  'StartSel=[, StopSel=], MaxWords=12, MinWords=4, MaxFragments=1,"
	"  FragmentDelimiter=...'),"
	" -ts_rank('{0.1, 0.2, 0.5, 1.0}', k.words, q), k.added_at, k.added_by"
	" FROM kb k, plainto_tsquery('simple', ?1) q"
	" WHERE k.words @@ q ORDER BY 7, k.id LIMIT ?2";

svc_status_t svc__store_kb_search(svc_db_t *db, const char *words, int limit, svc_kb_cb cb,
				  void *ctx)
{
	/* Title and error code weigh ten times the body, the model five. */
	static const char sql[] =
		"SELECT k.id, k.title, k.model, k.code, k.body,"
		" snippet(kb_text, -1, '[', ']', '...', 12), bm25(kb_text, 10.0, 5.0, 10.0, 1.0),"
		" k.added_at, k.added_by"
		" FROM kb_text JOIN kb k ON k.id = kb_text.rowid"
		" WHERE kb_text MATCH ?1 ORDER BY 7, k.id LIMIT ?2";
	bool pg = svc__dialect(db) == SVC__POSTGRESQL;
	svc_buf_t q = { 0 };
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if (!fts_query(words, &q)) {
		svc__buf_free(&q);
		return svc__error(db, SVC_EINVAL, "cannot search: give the words to search for");
	}
	if (pg) {
		q.len = 0;
		svc__buf_puts(&q, words);
	}
	if ((rc = svc__prepare(db, pg ? pg_search : sql, &st)) == SVC_OK) {
		svc__bind_text(st, 1, svc__buf_str(&q));
		svc__bind_int(st, 2, limit);
		while (svc__row(db, st, &rc)) {
			svc_kb_entry_t e = {
				svc__col_i64(st, 0), svc__col_text(st, 1),
				svc__col_text(st, 2), svc__col_text(st, 3), svc__col_text(st, 4),
				svc__col_text(st, 5), svc__col_double(st, 6),
				svc__col_text(st, 7), svc__col_text(st, 8),
			};

			if (cb(&e, ctx) != 0)
				break;
		}
		svc__finalize(st);
	}
	svc__buf_free(&q);
	return rc;
}
