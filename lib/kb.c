/*
 * kb.c - knowledge content: the dealer's service notes, searched with
 * SQLite FTS5.
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

/* MODEL as the catalogue spells it, into BUF; as given when not there. */
static svc_status_t catalogue_spelling(svc_db_t *db, const char **model, char *buf, size_t len)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, "SELECT model FROM model WHERE model = ?", &st)) != SVC_OK)
		return rc;
	svc__bind_text(st, 1, *model);
	if (svc__row(db, st, &rc)) {
		snprintf(buf, len, "%s", svc__col_text(st, 0));
		*model = buf;
	}
	svc__finalize(st);
	return rc;
}

/* Add entry ID to the full-text index, or take it out (REMOVE). */
static svc_status_t index_entry(svc_db_t *db, long long id, bool remove)
{
	svc__stmt_t *st = NULL;
	svc_status_t rc;

	if ((rc = svc__prepare(db, remove
			       ? "INSERT INTO kb_text(kb_text, rowid, title, model, code, body)"
				 " SELECT 'delete', id, title, model, code, body FROM kb WHERE id = ?"
			       : "INSERT INTO kb_text(rowid, title, model, code, body)"
				 " SELECT id, title, model, code, body FROM kb WHERE id = ?",
			       &st)) != SVC_OK)
		return rc;
	svc__bind_int(st, 1, id);
	rc = svc__step_done(db, st, "index knowledge content");
	svc__finalize(st);
	return rc;
}

svc_status_t svc_kb_add(svc_db_t *db, const svc_kb_req_t *q, long long *id)
{
	static const char doing[] = "add knowledge content";
	const char *model = svc__blank(q->model) ? NULL : q->model;
	const char *code = svc__blank(q->code) ? NULL : q->code;
	char spelled[SVC_MODEL_MAX * 4 + 1], now[21];
	svc__stmt_t *st = NULL;
	svc_buf_t object = { 0 }, after = { 0 };
	svc_status_t rc;

	if ((rc = svc__may(db, SVC__DO_KB_WRITE, doing)) != SVC_OK)
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
	if (model && (rc = catalogue_spelling(db, &model, spelled, sizeof spelled)) != SVC_OK)
		return svc__finish(db, rc);
	if ((rc = svc__prepare(db, "INSERT INTO kb(title, model, code, body, added_at, added_by)"
				   " VALUES(?, ?, ?, ?, ?, ?)", &st)) != SVC_OK)
		return svc__finish(db, rc);
	svc__bind_text(st, 1, q->title);
	svc__bind_opt(st, 2, model);
	svc__bind_opt(st, 3, code);
	svc__bind_text(st, 4, q->body);
	svc__bind_text(st, 5, now);
	svc__bind_text(st, 6, db->actor);
	rc = svc__step_done(db, st, doing);
	svc__finalize(st);
	if (rc == SVC_OK) {
		*id = svc__last_id(db);
		rc = index_entry(db, *id, false);
	}
	if (rc == SVC_OK) {
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

svc_status_t svc_kb_search(svc_db_t *db, const char *words, int limit, svc_kb_cb cb,
			   void *ctx)
{
	/* Title and error code weigh ten times the body, the model five. */
	static const char sql[] =
		"SELECT k.id, k.title, k.model, k.code, k.body,"
		" snippet(kb_text, -1, '[', ']', '...', 12), bm25(kb_text, 10.0, 5.0, 10.0, 1.0),"
		" k.added_at, k.added_by"
		" FROM kb_text JOIN kb k ON k.id = kb_text.rowid"
		" WHERE kb_text MATCH ?1 ORDER BY 7, k.id LIMIT ?2";
	char err[160];
	svc_buf_t q = { 0 };
	svc__stmt_t *st = NULL;
	svc_status_t rc;
	int step;

	if ((rc = svc__may(db, SVC__DO_KB_READ, "search knowledge content")) != SVC_OK)
		return rc;
	if (words && !svc__text_ok(words, SVC_TEXT_MAX, err, sizeof err))
		return svc__error(db, SVC_EINVAL, "cannot search: the words %s", err);
	if (!words || !fts_query(words, &q)) {
		svc__buf_free(&q);
		return svc__error(db, SVC_EINVAL, "cannot search: give the words to search for");
	}
	if ((rc = svc__prepare(db, sql, &st)) == SVC_OK) {
		svc__bind_text(st, 1, svc__buf_str(&q));
		svc__bind_int(st, 2, limit > 0 ? limit : 20);
		while ((step = svc__step(st)) == SVC__ROW) {
			/* The snippet on one line, as a listing shows it. */
			char *snippet = svc__strdup(svc__col_text(st, 5));
			svc_kb_entry_t e = {
				svc__col_i64(st, 0), svc__col_text(st, 1),
				svc__col_text(st, 2), svc__col_text(st, 3), svc__col_text(st, 4),
				snippet, svc__col_double(st, 6),
				svc__col_text(st, 7), svc__col_text(st, 8),
			};
			int stop;

			for (char *p = snippet; p && *p; p++)
				if (*p == '\n' || *p == '\r' || *p == '\t')
					*p = ' ';
			stop = cb(&e, ctx);
			free(snippet);
			if (stop)
				break;
		}
		if (step != SVC__ROW && step != SVC__DONE)
			rc = svc__sqlerr(db, "search knowledge content");
		svc__finalize(st);
	}
	svc__buf_free(&q);
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

/* Entry ID into *ST (a row); SVC_ENOTFOUND when there is none. */
static svc_status_t find_entry(svc_db_t *db, const char *doing, long long id, svc__stmt_t **st)
{
	svc_status_t rc;
	int step;

	if ((rc = svc__prepare(db, "SELECT id, title, model, code, body, added_at, added_by"
				   " FROM kb WHERE id = ?", st)) != SVC_OK)
		return rc;
	svc__bind_int(*st, 1, id);
	if ((step = svc__step(*st)) == SVC__ROW)
		return SVC_OK;
	if (step == SVC__DONE)
		return svc__error(db, SVC_ENOTFOUND,
				  "cannot %s: there is no entry %lld; see 'servicer kb search'", doing,
				  id);
	return svc__sqlerr(db, doing);
}

svc_status_t svc_kb_show(svc_db_t *db, const char *id_text, svc_kb_cb cb, void *ctx)
{
	static const char doing[] = "show knowledge content";
	svc__stmt_t *st = NULL;
	long long id;
	svc_status_t rc;

	if ((rc = svc__may(db, SVC__DO_KB_READ, doing)) != SVC_OK ||
	    (rc = parse_id(db, doing, id_text, &id)) != SVC_OK)
		return rc;
	if ((rc = find_entry(db, doing, id, &st)) == SVC_OK) {
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

svc_status_t svc_kb_remove(svc_db_t *db, const char *id_text)
{
	static const char doing[] = "remove knowledge content";
	svc__stmt_t *st = NULL, *del = NULL;
	svc_buf_t object = { 0 }, before = { 0 };
	long long id;
	svc_status_t rc;

	if ((rc = svc__may(db, SVC__DO_KB_WRITE, doing)) != SVC_OK ||
	    (rc = parse_id(db, doing, id_text, &id)) != SVC_OK ||
	    (rc = svc__begin(db)) != SVC_OK)
		return rc;
	if ((rc = find_entry(db, doing, id, &st)) == SVC_OK) {
		svc__buf_printf(&object, "kb %lld", id);
		svc__json_field(&before, "title", svc__col_text(st, 1));
		if (svc__col_text(st, 2))
			svc__json_field(&before, "model", svc__col_text(st, 2));
		if (svc__col_text(st, 3))
			svc__json_field(&before, "code", svc__col_text(st, 3));
		svc__json_field(&before, "body", svc__col_text(st, 4));
		if ((rc = index_entry(db, id, true)) == SVC_OK &&
		    (rc = svc__prepare(db, "DELETE FROM kb WHERE id = ?", &del)) == SVC_OK) {
			svc__bind_int(del, 1, id);
			rc = svc__step_done(db, del, doing);
		}
		if (rc == SVC_OK)
			rc = svc__audit(db, "remove", svc__buf_str(&object), svc__buf_str(&before),
					NULL);
	}
	svc__finalize(st);
	svc__finalize(del);
	svc__buf_free(&object);
	svc__buf_free(&before);
	return svc__finish(db, rc);
}
