/*
 * output.c - records out as a table for a person (table.c), CSV, TSV or
 * JSON, each streamed row by row; a single record as "key: value" lines.
 *
 * A key given to out_begin() with a leading '~' is left out of tables (too
 * wide for a terminal) but kept in every script format.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"

typedef enum {
	CELL_NULL,
	CELL_STR,
	CELL_INT,
	CELL_NUM,  /* a decimal number, a string in JSON */
	CELL_TIME, /* a string in JSON */
	CELL_BOOL,
	CELL_JSON, /* JSON text, as it is in JSON */
} cell_type_t;

struct out {
	const char *const *keys;
	size_t nkeys, col;
	bool single;
	size_t rows;
	bool started; /* the header (CSV, TSV) or the opening bracket (JSON) is out */
	table_t *table; /* a table of records */
	char **cells;   /* a single record: its cells as shown */
	size_t ncells;
	const char **heads; /* the table's headings: NULL for a key left out */
};

static const char *key_name(const out_t *o, size_t i)
{
	return o->keys[i][0] == '~' ? o->keys[i] + 1 : o->keys[i];
}

static bool in_table(const out_t *o, size_t i)
{
	return o->keys[i][0] != '~';
}

static void csv_put(const char *s, size_t len)
{
	svc_csv_write(stdout, s, len);
}

static void tsv_put(const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\t': fputs("\\t", stdout); break;
		case '\n': fputs("\\n", stdout); break;
		case '\r': fputs("\\r", stdout); break;
		case '\\': fputs("\\\\", stdout); break;
		default: putchar(*s);
		}
	}
}

static void json_put(const char *s)
{
	svc_json_write(stdout, s);
}

static void header_row(out_t *o)
{
	const char *sep = cli_format == OUT_CSV ? "," : "\t";

	for (size_t i = 0; i < o->nkeys; i++) {
		fputs(i ? sep : "", stdout);
		fputs(key_name(o, i), stdout);
	}
	putchar('\n');
}

out_t *out_begin(const char *const *keys, size_t nkeys, bool single)
{
	out_t *o = calloc(1, sizeof *o);

	if (!o) {
		errorf("out of memory");
		exit(EX_OSERR);
	}
	o->keys = keys;
	o->nkeys = nkeys;
	o->single = single;
	if (cli_format == OUT_TABLE && !single) {
		if (!(o->heads = calloc(nkeys, sizeof *o->heads))) {
			errorf("out of memory");
			exit(EX_OSERR);
		}
		for (size_t i = 0; i < nkeys; i++)
			o->heads[i] = in_table(o, i) ? key_name(o, i) : NULL;
		o->table = table_begin(o->heads, nkeys);
	}
	return o;
}

/* Nothing is written before the first cell, so that a command that fails
 * before its first record writes no header. */
static void start(out_t *o)
{
	if (o->started)
		return;
	o->started = true;
	if (cli_format == OUT_CSV || cli_format == OUT_TSV)
		header_row(o);
	else if (cli_format == OUT_JSON && !o->single)
		putchar('[');
}

/* Values shown whole on a screen, never shortened: identifiers (a CITS
 * number is "number"; logins under several names) and dates. */
static bool whole_key(const char *key)
{
	static const char *const keys[] = { "serial", "number", "login", "assigned_to",
					    "technician", "by", "day", "date", "installed",
					    "warranty_end", NULL };

	return one_of(key, keys);
}

static void table_put(out_t *o, size_t i, cell_type_t type, const char *text)
{
	unsigned kind = type == CELL_INT || type == CELL_NUM ? CELL_NUMBER : 0;

	if (type == CELL_TIME || whole_key(key_name(o, i)))
		kind |= CELL_WHOLE;
	if (type == CELL_NULL)
		text = NULL;
	if (!o->single) {
		table_cell(o->table, text, kind);
		return;
	}
	o->cells = realloc(o->cells, (o->ncells + 1) * sizeof *o->cells);
	if (!o->cells) {
		errorf("out of memory");
		exit(EX_OSERR);
	}
	o->cells[o->ncells++] = text ? term_text(text) : NULL;
}

static void put_cell(out_t *o, cell_type_t type, const char *text)
{
	size_t i = o->col++;

	start(o);
	switch (cli_format) {
	case OUT_TABLE:
		table_put(o, i, type, text);
		return;
	case OUT_CSV:
	case OUT_TSV:
		if (i)
			putchar(cli_format == OUT_CSV ? ',' : '\t');
		if (type == CELL_NULL)
			return;
		if (cli_format == OUT_CSV)
			csv_put(text, strlen(text));
		else
			tsv_put(text);
		return;
	case OUT_JSON:
		if (i == 0)
			fputs(o->single ? "{" : o->rows ? ",\n  {" : "\n  {", stdout);
		else
			putchar(',');
		json_put(key_name(o, i));
		putchar(':');
		if (type == CELL_STR || type == CELL_NUM || type == CELL_TIME)
			json_put(text);
		else
			fputs(type == CELL_NULL ? "null" : text, stdout);
		return;
	}
}

void out_str(out_t *o, const char *s)
{
	put_cell(o, s ? CELL_STR : CELL_NULL, s);
}

void out_int(out_t *o, long long v)
{
	char num[24];

	snprintf(num, sizeof num, "%lld", v);
	put_cell(o, CELL_INT, num);
}

void out_count(out_t *o, long long v)
{
	if (v >= 0)
		out_int(o, v);
	else
		out_str(o, NULL);
}

void out_hours(out_t *o, long long minutes)
{
	char text[SVC_HOURS_TEXT_MAX];

	if (minutes < 0) {
		out_str(o, NULL);
		return;
	}
	svc_hours_text(minutes, text);
	out_decimal(o, text);
}

void out_decimal(out_t *o, const char *text)
{
	put_cell(o, text ? CELL_NUM : CELL_NULL, text);
}

void out_json(out_t *o, const char *json)
{
	put_cell(o, !json ? CELL_NULL : svc_json_is_object(json) ? CELL_JSON : CELL_STR, json);
}

void out_bool(out_t *o, bool v)
{
	put_cell(o, CELL_BOOL, v ? "true" : "false");
}

const char *local_time(const char *utc, bool brief, char out[SVC_TIME_MAX])
{
	char err[8];
	int64_t t;

	if (!utc || svc_time_parse(utc, &t, err, sizeof err) != SVC_OK)
		return utc;
	svc_time_format(t, brief, out);
	return out;
}

void out_time(out_t *o, const char *utc)
{
	char shown[SVC_TIME_MAX];

	const char *s = local_time(utc, cli_format == OUT_TABLE, shown);

	put_cell(o, s ? CELL_TIME : CELL_NULL, s);
}

void out_list(out_t *o, const char *const *keys, size_t nkeys, const char *const *cells,
	      size_t nrows)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	start(o);
	if (cli_format == OUT_JSON) {
		fputs(o->col++ ? "," : o->single ? "{" : o->rows ? ",\n  {" : "\n  {", stdout);
		json_put(key_name(o, o->col - 1));
		putchar(':');
		putchar('[');
		for (size_t r = 0; r < nrows; r++) {
			fputs(r ? ",{" : "{", stdout);
			for (size_t k = 0; k < nkeys; k++) {
				const char *v = cells[r * nkeys + k];

				if (k)
					putchar(',');
				json_put(keys[k]);
				putchar(':');
				v ? json_put(v) : (void)fputs("null", stdout);
			}
			putchar('}');
		}
		putchar(']');
		return;
	}
	/* Elsewhere one cell: "v1 v2 ...; v1 v2 ...". */
	if (!(f = open_memstream(&text, &len))) {
		errorf("out of memory");
		exit(EX_OSERR);
	}
	for (size_t r = 0; r < nrows; r++) {
		const char *sep = r ? "; " : "";

		for (size_t k = 0; k < nkeys; k++) {
			if (cells[r * nkeys + k]) {
				fprintf(f, "%s%s", sep, cells[r * nkeys + k]);
				sep = " ";
			}
		}
	}
	fclose(f);
	put_cell(o, CELL_STR, text);
	free(text);
}

void out_end_row(out_t *o)
{
	if (cli_format == OUT_CSV || cli_format == OUT_TSV)
		putchar('\n');
	else if (cli_format == OUT_JSON)
		putchar('}');
	else if (o->table)
		table_end_row(o->table);
	o->col = 0;
	o->rows++;
}

static void print_single(out_t *o)
{
	size_t w = 0;

	for (size_t i = 0; i < o->nkeys; i++)
		if (term_width(key_name(o, i)) > w)
			w = term_width(key_name(o, i));
	for (size_t i = 0; i < o->nkeys && i < o->ncells; i++) {
		if (!in_table(o, i))
			continue;
		printf("%s:%*s%s\n", key_name(o, i), (int)(w - term_width(key_name(o, i)) + 1), "",
		       o->cells[i] ? o->cells[i] : "-");
	}
}

/* PRINT: show the table's rows held still. */
static void discard(out_t *o, bool print)
{
	if (o->table)
		table_end(o->table, print);
	for (size_t i = 0; i < o->ncells; i++)
		free(o->cells[i]);
	free(o->cells);
	free(o->heads);
	free(o);
}

int out_end(out_t *o)
{
	int rc;

	start(o);
	if (cli_format == OUT_TABLE && o->single)
		print_single(o);
	else if (cli_format == OUT_JSON)
		fputs(o->single ? "\n" : o->rows ? "\n]\n" : "]\n", stdout);
	discard(o, true);
	rc = fflush(stdout) == 0 && !ferror(stdout) ? EX_OK : EX_IOERR;
	if (rc != EX_OK)
		errorf("cannot write the output");
	return rc;
}

int out_finish(out_t *o, svc_db_t *db, svc_status_t st)
{
	int rc;

	if (st == SVC_OK)
		return out_end(o);
	/* What was written stays readable; a failure before any record
	 * writes nothing to stdout. */
	if (o->rows)
		out_end(o);
	else
		discard(o, false);
	rc = fail(db, st);
	return rc;
}
