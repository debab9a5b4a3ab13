/* test_import.c - the CSV import: parsing edge cases, rejects, atomicity. */
#include "helpers.h"

typedef struct run {
	svc_status_t st;
	svc_import_summary_t sum;
	char *rejects; /* what went to the reject stream */
	size_t rejects_len;
	char warnings[1024];
} run_t;

static void collect_warning(const char *msg, void *ctx)
{
	run_t *r = ctx;

	strncat(r->warnings, msg, sizeof r->warnings - strlen(r->warnings) - 2);
	strcat(r->warnings, "\n");
}

static run_t *import_bytes(fixture_t *f, const char *bytes, size_t len, unsigned flags)
{
	static run_t r;
	FILE *in = input(bytes, len);
	svc_import_opts_t opts = SVC_IMPORT_OPTS_INIT;

	free(r.rejects);
	memset(&r, 0, sizeof r);
	opts.flags = flags;
	opts.reject = open_memstream(&r.rejects, &r.rejects_len);
	opts.warn = collect_warning;
	opts.ctx = &r;
	r.st = svc_device_import(f->db, in, &opts, &r.sum);
	fclose(opts.reject);
	fclose(in);
	return &r;
}

static run_t *import_str(fixture_t *f, const char *s, unsigned flags)
{
	return import_bytes(f, s, strlen(s), flags);
}

static int setup(void **state)
{
	fixture_t *f;

	if (fixture_setup(state) != 0)
		return -1;
	f = *state;
	assert_int_equal(svc_model_add(f->db, "iPF6400S", 12, -1, NULL), SVC_OK);
	assert_int_equal(svc_model_add(f->db, "iR-ADV C5535", 36, -1, NULL), SVC_OK);
	return 0;
}

static long long devices(fixture_t *f)
{
	return query_int(f->db, "SELECT count(*) FROM device");
}

static void bom_crlf_and_any_column_order(void **state)
{
	fixture_t *f = *state;
	run_t *r = import_str(f, "\xef\xbb\xbfSerial,MODEL\r\nA1,ipf6400s\r\nA2,iPF6400S\r\n", 0);

	assert_int_equal(r->st, SVC_OK);
	assert_int_equal(r->sum.rows, 2);
	assert_int_equal(r->sum.added, 2);
	assert_int_equal(r->sum.rejected, 0);
	assert_true(r->sum.applied);
	assert_int_equal(devices(f), 2);
}

static void quoted_fields_with_commas_quotes_and_newlines(void **state)
{
	fixture_t *f = *state;
	run_t *r = import_str(f,
		"model,serial,location,account\n"
		"iPF6400S,Q1,\"Main St, 3rd floor \"\"East\"\"\",AC-1\n"
		"iPF6400S,Q2,\"two\nlines\",AC-2\n"
		"iPF6400S,Q3,plain,AC-3\n", 0);

	assert_int_equal(r->sum.rows, 3);
	assert_int_equal(r->sum.added, 3);
	assert_int_equal(r->sum.rejected, 0);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM device WHERE location = 'Main St, 3rd floor \"East\"'"), 1);
	/* An address over two lines, as an ERP exports it, is kept as it is. */
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM device WHERE location LIKE 'two_lines'"
					  " AND length(location) = 9 AND location NOT LIKE 'two lines'"), 1);
}

static void line_numbers_count_blank_lines_and_quoted_newlines(void **state)
{
	fixture_t *f = *state;
	run_t *r = import_str(f,
		"model,serial\n"
		"\n"
		"nope,L1\n"
		"\"iPF\n6400S\",L2\n"
		"\r\n"
		"nope,L3", 0);

	assert_int_equal(r->sum.rows, 3);
	assert_int_equal(r->sum.rejected, 3);
	assert_non_null(strstr(r->rejects, "nope,L1,3,"));
	assert_non_null(strstr(r->rejects, ",L2,4,"));
	assert_non_null(strstr(r->rejects, "nope,L3,7,"));
	assert_int_equal(devices(f), 0);
}

static void unterminated_quote_stops_and_says_where(void **state)
{
	fixture_t *f = *state;
	run_t *r = import_str(f, "model,serial\niPF6400S,G1\niPF6400S,\"G2\niPF6400S,G3\n", 0);

	assert_int_equal(r->st, SVC_OK);
	assert_true(r->sum.truncated);
	assert_int_equal(r->sum.added, 1);
	assert_int_equal(r->sum.rejected, 1);
	assert_non_null(strstr(svc_errmsg(f->db), "line 3: malformed CSV: a quoted field is never closed"));
	assert_non_null(strstr(r->rejects, ",3,malformed CSV"));
}

static void stray_quote_is_malformed(void **state)
{
	fixture_t *f = *state;
	run_t *r = import_str(f, "model,serial\niPF6400S,G1\niPF6400S,G\"2\niPF6400S,G3\n", 0);

	assert_true(r->sum.truncated);
	assert_int_equal(r->sum.added, 1);
	assert_non_null(strstr(svc_errmsg(f->db), "line 3: malformed CSV"));
}

static void oversized_field_stops_without_growing(void **state)
{
	fixture_t *f = *state;
	size_t big = SVC_CSV_FIELD_MAX * 4;
	char *s = malloc(big + 64);
	int n;

	assert_non_null(s);
	n = sprintf(s, "model,serial\niPF6400S,O1\niPF6400S,\"");
	memset(s + n, 'x', big);
	strcpy(s + n + big, "\"\n");
	run_t *r = import_str(f, s, 0);
	assert_true(r->sum.truncated);
	assert_int_equal(r->sum.added, 1);
	assert_non_null(strstr(svc_errmsg(f->db), "longer than 65536 bytes"));
	free(s);
}

static void long_location_is_a_rejected_row(void **state)
{
	fixture_t *f = *state;
	char s[600];

	snprintf(s, sizeof s, "model,serial,location\niPF6400S,L1,%0300d\niPF6400S,L2,ok\n", 7);
	run_t *r = import_str(f, s, 0);
	assert_false(r->sum.truncated);
	assert_int_equal(r->sum.added, 1);
	assert_int_equal(r->sum.rejected, 1);
	assert_non_null(strstr(r->rejects, "location is 300 characters long; at most 200"));
}

static void nul_bytes_reject_the_row(void **state)
{
	fixture_t *f = *state;
	static const char s[] = "model,serial\niPF6400S,N\0" "1\niPF6400S,N2\n";
	run_t *r = import_bytes(f, s, sizeof s - 1, 0);

	assert_int_equal(r->sum.rows, 2);
	assert_int_equal(r->sum.added, 1);
	assert_int_equal(r->sum.rejected, 1);
	assert_non_null(memmem(r->rejects, r->rejects_len, "NUL byte", 8));
}

static void empty_input_is_refused(void **state)
{
	fixture_t *f = *state;
	run_t *r = import_str(f, "", 0);

	assert_int_equal(r->st, SVC_EINVAL);
	assert_non_null(strstr(svc_errmsg(f->db), "the input is empty"));
	r = import_str(f, "\xef\xbb\xbf", 0);
	assert_int_equal(r->st, SVC_EINVAL);
}

static void header_only_is_zero_rows(void **state)
{
	fixture_t *f = *state;
	run_t *r = import_str(f, "model,serial\r\n", 0);

	assert_int_equal(r->st, SVC_OK);
	assert_int_equal(r->sum.rows, 0);
	assert_string_equal(r->rejects, "model,serial,line,reason\n");
}

static void bad_headers_refuse_everything(void **state)
{
	fixture_t *f = *state;
	run_t *r = import_str(f, "model,serial,Serial\niPF6400S,D1,D1\n", 0);

	assert_int_equal(r->st, SVC_EINVAL);
	assert_non_null(strstr(svc_errmsg(f->db), "column 'serial' appears twice"));
	r = import_str(f, "model,serialnumber\niPF6400S,D1\n", 0);
	assert_int_equal(r->st, SVC_EINVAL);
	assert_non_null(strstr(svc_errmsg(f->db), "no 'serial' column"));
	assert_int_equal(devices(f), 0);
}

static void unknown_columns_are_warned_and_ignored(void **state)
{
	fixture_t *f = *state;
	run_t *r = import_str(f, "model,colour,serial\niPF6400S,red,U1\n", 0);

	assert_int_equal(r->sum.added, 1);
	assert_string_equal(r->warnings, "ignoring unknown column 'colour' (column 2)\n");
}

static void wrong_field_count_is_rejected(void **state)
{
	fixture_t *f = *state;
	run_t *r = import_str(f, "model,serial\niPF6400S\niPF6400S,W1,extra\n", 0);

	assert_int_equal(r->sum.rejected, 2);
	assert_non_null(strstr(r->rejects, "row has 1 fields; the header names 2"));
	assert_non_null(strstr(r->rejects, "row has 3 fields; the header names 2"));
}

static void rerun_is_all_unchanged(void **state)
{
	fixture_t *f = *state;
	const char *csv = "model,serial,location\niPF6400S,R1,Hall\niR-ADV C5535,R2,\n";
	run_t *r = import_str(f, csv, 0);

	assert_int_equal(r->sum.added, 2);
	long long audits = query_int(f->db, "SELECT count(*) FROM audit");
	r = import_str(f, csv, 0);
	assert_int_equal(r->sum.added, 0);
	assert_int_equal(r->sum.unchanged, 2);
	assert_int_equal(r->sum.rejected, 0);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit"), audits);
}

static void other_model_in_file_or_database_is_rejected(void **state)
{
	fixture_t *f = *state;
	run_t *r = import_str(f, "model,serial\niPF6400S,M1\niR-ADV C5535,M1\n", 0);

	assert_int_equal(r->sum.added, 1);
	assert_int_equal(r->sum.rejected, 1);
	assert_non_null(strstr(r->rejects, "already registered under model 'iPF6400S', not 'iR-ADV C5535'"));
}

static void withdrawn_unit_is_not_revived_by_import(void **state)
{
	fixture_t *f = *state;
	char *s[] = { "X1" };

	import_str(f, "model,serial\niPF6400S,X1\n", 0);
	assert_int_equal(svc_device_withdraw(f->db, s, 1, "sold"), SVC_OK);
	run_t *r = import_str(f, "model,serial\niPF6400S,X1\n", 0);
	assert_int_equal(r->sum.rejected, 1);
	assert_non_null(strstr(r->rejects, "was withdrawn"));
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM device WHERE status = 'withdrawn'"), 1);
}

static void strict_applies_nothing_when_a_row_is_bad(void **state)
{
	fixture_t *f = *state;
	run_t *r = import_str(f, "model,serial\niPF6400S,S1\nnope,S2\n", SVC_IMPORT_STRICT);

	assert_int_equal(r->st, SVC_OK);
	assert_false(r->sum.applied);
	assert_int_equal(r->sum.added, 1);
	assert_int_equal(r->sum.rejected, 1);
	assert_int_equal(devices(f), 0);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE object LIKE 'device%'"), 0);
	r = import_str(f, "model,serial\niPF6400S,S1\n", SVC_IMPORT_STRICT);
	assert_true(r->sum.applied);
	assert_int_equal(devices(f), 1);
}

/* The device table's indexes, by name and definition. */
static char *device_indexes(svc_db_t *db)
{
	return on_pg() ? query_rows(db, "SELECT indexname || ' ' || indexdef FROM pg_indexes"
					" WHERE tablename = 'device' ORDER BY indexname", "\n")
		       : query_rows(db, "SELECT name || ' ' || coalesce(sql, '') FROM sqlite_schema"
					" WHERE type = 'index' AND tbl_name = 'device' ORDER BY name",
				    "\n");
}

static void dry_run_counts_but_applies_nothing(void **state)
{
	fixture_t *f = *state;
	char *indexes = device_indexes(f->db), *after;
	run_t *r = import_str(f, "model,serial\niPF6400S,D1\niPF6400S,D1\nnope,D2\n",
			      SVC_IMPORT_DRY_RUN);

	assert_int_equal(r->sum.added, 1);
	assert_int_equal(r->sum.unchanged, 1);
	assert_int_equal(r->sum.rejected, 1);
	assert_false(r->sum.applied);
	assert_int_equal(devices(f), 0);
	/* A load into an empty table dropped its indexes: the rollback
	 * brought them back. */
	after = device_indexes(f->db);
	assert_true(on_pg() || strstr(after, "device_model"));
	assert_string_equal(after, indexes);
	free(indexes);
	free(after);
}

static void non_utf8_row_is_rejected(void **state)
{
	fixture_t *f = *state;
	run_t *r = import_str(f, "model,serial,location\niPF6400S,U1,Caf\xe9\n", 0);

	assert_int_equal(r->sum.rejected, 1);
	assert_non_null(strstr(r->rejects, "location is not valid UTF-8"));
}

/* The bulk path's filter of serials seen: a serial added is never taken
 * for new again, and of five million distinct serials few are taken for
 * seen (each such one only asks the database), in a filter whose size
 * does not grow. */
static void the_serial_filter_never_forgets_and_seldom_errs(void **state)
{
	svc__serialset_t *set = svc__serialset_new();
	char serial[16];
	long long seen = 0;

	(void)state;
	assert_non_null(set);
	for (int i = 0; i < 5000000; i++) {
		snprintf(serial, sizeof serial, "SN%09d", i);
		seen += !svc__serialset_add(set, serial);
		if (i == 999999)
			assert_true(seen <= 2);
	}
	assert_true(seen <= 300);
	for (int i = 0; i < 5000000; i += 7) {
		snprintf(serial, sizeof serial, "SN%09d", i);
		assert_false(svc__serialset_add(set, serial));
	}
	svc__serialset_free(set);
}

static void twenty_thousand_rows_in_one_pass(void **state)
{
	fixture_t *f = *state;
	/* 20,000 rows in one import, read in 64 KiB chunks across row boundaries. */
	size_t cap = 20000 * 32 + 32, len;
	char *s = malloc(cap);

	assert_non_null(s);
	len = (size_t)sprintf(s, "model,serial\n");
	for (int i = 0; i < 20000; i++)
		len += (size_t)sprintf(s + len, "iPF6400S,M%06d\n", i);
	run_t *r = import_bytes(f, s, len, 0);
	assert_int_equal(r->sum.added, 20000);
	assert_int_equal(devices(f), 20000);
	free(s);
}

/* The log of a serial, as "action object" lines, into a buffer. */
static int log_line(const svc_audit_entry_t *e, void *ctx)
{
	char *buf = ctx;

	snprintf(buf + strlen(buf), 4096 - strlen(buf), "%s %s %s\n", e->action, e->object,
		 e->after ? e->after : "-");
	return 0;
}

/* SPEC: "A bulk import is one audit entry (who, when, the file's name and
 * SHA-256, the counts), and every row it created or changed carries that
 * import's id, so log --serial still says who registered a unit, when,
 * and from which file." */
/* When and by whom a device was registered, to CTX. */
static int registration_of(const svc_device_t *d, void *ctx)
{
	snprintf(ctx, 256, "%s|%s", d->registered_at, d->registered_by);
	return 0;
}

static void an_import_is_one_audit_entry_its_rows_carry(void **state)
{
	fixture_t *f = *state;
	const char *csv = "model,serial,location\niPF6400S,I1,Hall\niPF6400S,I2,\nnope,I3,\n";
	svc_audit_filter_t filter = { .version = SVC_AUDIT_FILTER_VERSION, .serial = "I2" };
	svc__sha256_t sha;
	char hex[65], expect[256], log[4096] = "", seen[256], want[256], at[32];
	long long entries = query_int(f->db, "SELECT count(*) FROM audit"), id;
	run_t *r = import_str(f, csv, 0);

	assert_int_equal(r->sum.added, 2);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit"), entries + 1);
	id = query_int(f->db, "SELECT max(id) FROM audit");
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM device WHERE import_id = "
					  "(SELECT max(id) FROM audit)"), 2);
	svc__sha256_init(&sha);
	svc__sha256_add(&sha, csv, strlen(csv));
	svc__sha256_hex(&sha, hex);
	snprintf(expect, sizeof expect,
		 "import registrations {\"file\":\"standard input\",\"sha256\":\"%s\","
		 "\"rows\":3,\"new\":2,\"updated\":0,\"unchanged\":0,\"rejected\":1}\n", hex);
	assert_int_equal(svc_audit_list(f->db, &filter, log_line, log), SVC_OK);
	assert_string_equal(log, expect);
	/* Each unit was registered when the import was, by whom it was: a
	 * file keeps that once, in the entry; a server on every row. */
	assert_int_equal(svc_device_show(f->db, "I1", registration_of, seen), SVC_OK);
	snprintf(want, sizeof want, "%s|%s",
		 query_text(f->db, "SELECT at FROM audit WHERE action = 'import'"
				   " ORDER BY id DESC LIMIT 1", at, sizeof at),
		 svc_db_actor(f->db));
	assert_string_equal(seen, want);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM device WHERE serial = 'I1'"
					  " AND registered_at IS NULL AND registered_by IS NULL"),
			 on_pg() ? 0 : 1);

	/* A second file fills I2's blank: the unit's log names both imports. */
	r = import_str(f, "model,serial,location\niPF6400S,I2,Dock\n", 0);
	assert_int_equal(r->sum.updated, 1);
	assert_int_equal(query_int(f->db, "SELECT updated_import_id - import_id FROM device"
					  " WHERE serial = 'I2'"), 1);
	log[0] = '\0';
	assert_int_equal(svc_audit_list(f->db, &filter, log_line, log), SVC_OK);
	assert_non_null(strstr(log, expect));
	assert_non_null(strstr(log + strlen(expect), "import registrations {\"file\""));
	/* I1's log has only the first. */
	filter.serial = "I1";
	log[0] = '\0';
	assert_int_equal(svc_audit_list(f->db, &filter, log_line, log), SVC_OK);
	assert_string_equal(log, expect);

	/* Registered by hand: an entry of its own, no import's id. */
	svc_registration_t one = { .version = SVC_REGISTRATION_VERSION, .model = "iPF6400S",
				   .serial = "H1" };
	assert_int_equal(svc_device_register(f->db, &one, NULL), SVC_OK);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM device WHERE serial = 'H1'"
					  " AND import_id IS NULL"), 1);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE serial = 'H1'"), 1);
	(void)id;
}

/* A dry run, a strict import with a bad row and a re-run write no entry. */
static void an_import_that_changes_nothing_writes_no_entry(void **state)
{
	fixture_t *f = *state;
	const char *csv = "model,serial\niPF6400S,N1\nnope,N2\n";
	long long entries = query_int(f->db, "SELECT count(*) FROM audit");

	import_str(f, csv, SVC_IMPORT_DRY_RUN);
	import_str(f, csv, SVC_IMPORT_STRICT);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit"), entries);
	import_str(f, csv, 0);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit"), entries + 1);
	import_str(f, csv, 0);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit"), entries + 1);
}
/* Every device, one line each, in the columns the rules decide. */
static char *device_rows(svc_db_t *db)
{
	return query_rows(db, "SELECT serial || '|' || (SELECT model FROM model WHERE id = model_id)"
			      " || '|' || status || '|' || support"
			      " || '|' || coalesce(account, '-') || '|' || coalesce(location, '-')"
			      " || '|' || coalesce(installed, '-') || '|' || coalesce(warranty_end, '-')"
			      " || '|' || coalesce(assigned_to, '-') || '|' || coalesce(snmp_address, '-')"
			      " || '|' || CASE WHEN import_id IS NULL THEN 'hand' ELSE 'import' END"
			      " || CASE WHEN updated_import_id IS NULL THEN '' ELSE '+' END"
			      " FROM device ORDER BY serial", "\n");
}

/* A file of N rows drawn from a few hundred serials: new ones, repeats
 * that agree, fill a blank or name another model, units registered
 * before, unknown models and assignees, bad serials. */
static char *mixed_file(int n)
{
	static const char *const models[] = { "iR-ADV C5535", "iPF6400S", "iR-ADV C5535", "NOPE" };
	static const char *const who[] = { "", "", "dana", "ghost" };
	char *s = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&s, &len);
	unsigned seed = 17;

	assert_non_null(out);
	fputs("model,serial,location,installed,assigned_to,address\n", out);
	for (int i = 0; i < n; i++) {
		unsigned r = (seed = seed * 1103515245 + 12345) >> 8;
		int unit = (int)(r % 300);

		if (unit < 10)
			fprintf(out, "%s,EX%d,%s,,%s,\n", models[r % 2], unit % 3, r & 64 ? "Hall" : "",
				who[(r >> 4) % 4]);
		else if (unit == 10)
			fputs("iR-ADV C5535,bad serial!,,,,\n", out);
		else {
			char address[32] = "";

			/* Mostly the unit's one address; now and then a name instead. */
			if (!(r & 512))
				snprintf(address, sizeof address, "%s%d", r & 1024 ? "Printer-" : "10.1.0.",
					 unit % 250);
			fprintf(out, "%s,PX%04d,%s,%s,%s,%s\n", models[(r >> 2) % 4], unit,
				r & 32 ? "" : "Bay 7", r & 128 ? "2025-02-01" : "", who[(r >> 4) % 4],
				address);
		}
	}
	fclose(out);
	return s;
}

/* The bulk path (SQLite's sorted runs, with the device indexes made again
 * at the end; PostgreSQL's COPY on the PostgreSQL label) registers what
 * the row path registers: the same file over the same database gives the
 * same devices, counts and rejects, and the same indexes. */
static void the_bulk_path_registers_as_the_row_path_does(void **state)
{
	fixture_t *f = *state, g = { 0 };
	char *file = mixed_file(4000), *rows[2], *rejects[2];
	size_t rejects_len[2];
	svc_import_summary_t sum[2];
	svc_db_t *dbs[2];

	snprintf(g.path, sizeof g.path, "%s/rows.db", f->dir);
	assert_int_equal(svc_db_create(g.path, "D1", "Test Dealer", &g.db), SVC_OK);
	assert_int_equal(svc_db_set_actor(g.db, NULL, "test"), SVC_OK);
	assert_int_equal(svc_model_add(g.db, "iPF6400S", 12, -1, NULL), SVC_OK);
	assert_int_equal(svc_model_add(g.db, "iR-ADV C5535", 36, -1, NULL), SVC_OK);
	g.db->rows_only = true;
	dbs[0] = f->db;
	dbs[1] = g.db;
	for (int i = 0; i < 2; i++) {
		svc_import_opts_t opts = SVC_IMPORT_OPTS_INIT;
		FILE *in = input(file, strlen(file));

		add_user(dbs[i], "dana", "device-manager");
		reg_device(dbs[i], "iR-ADV C5535", "EX0", "2025-01-15", NULL, true);
		reg_device(dbs[i], "iPF6400S", "EX1", NULL, NULL, false);
		opts.reject = open_memstream(&rejects[i], &rejects_len[i]);
		assert_int_equal(svc_device_import(dbs[i], in, &opts, &sum[i]), SVC_OK);
		fclose(opts.reject);
		fclose(in);
		rows[i] = device_rows(dbs[i]);
	}
	assert_true(sum[0].added > 250 && sum[0].rejected > 100 && sum[0].updated > 0);
	assert_int_equal(sum[0].added, sum[1].added);
	assert_int_equal(sum[0].updated, sum[1].updated);
	assert_int_equal(sum[0].unchanged, sum[1].unchanged);
	assert_int_equal(sum[0].rejected, sum[1].rejected);
	assert_string_equal(rows[0], rows[1]);
	assert_string_equal(rejects[0], rejects[1]);
	/* The device indexes dropped for the load are all there again. */
	if (!on_pg()) {
		char *indexes[2];

		for (int i = 0; i < 2; i++)
			indexes[i] = device_indexes(dbs[i]);
		assert_non_null(strstr(indexes[0], "device_model"));
		assert_string_equal(indexes[0], indexes[1]);
		free(indexes[0]);
		free(indexes[1]);
	}
	for (int i = 0; i < 2; i++) {
		free(rows[i]);
		free(rejects[i]);
	}
	free(file);
	svc_db_close(g.db);
}

/* A row held on the bulk path that the database refuses when it is
 * written fails the whole change, with the database's reason; nothing of
 * it is saved, and the handle goes on working. */
static void a_held_row_refused_fails_the_change(void **state)
{
	fixture_t *f = *state;
	char model[24];
	const char *good[] = { "HELD1", model, "pending", "dispatch", "2026-01-01T00:00:00Z", "test" };
	const char *bad[] = { "HELD2", model, "lost", "dispatch", "2026-01-01T00:00:00Z", "test" };
	const char *target = "device(serial, model_id, status, support, registered_at, registered_by)";
	long long before = devices(f);

	snprintf(model, sizeof model, "%lld",
		 query_int(f->db, "SELECT id FROM model WHERE model = 'iPF6400S'"));
	assert_int_equal(svc__begin(f->db), SVC_OK);
	svc__bulk(f->db, true);
	assert_int_equal(svc__append(f->db, target, 6, good, "append"), SVC_OK);
	/* SQLite holds the rows; PostgreSQL's COPY may take them and judge at
	 * its end: either way the commit is where the refusal shows. */
	svc_status_t rc = svc__append(f->db, target, 6, bad, "append");
	if (rc == SVC_OK) {
		svc__bulk(f->db, false);
		rc = svc__commit(f->db);
	} else {
		svc__rollback(f->db);
	}
	assert_int_not_equal(rc, SVC_OK);
	assert_non_null(strcasestr(svc_errmsg(f->db), "check"));
	assert_int_equal(devices(f), before);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM device WHERE serial LIKE 'HELD%'"), 0);
	/* The next change is its own. */
	assert_int_equal(import_str(f, "model,serial\niPF6400S,HELD3\n", 0)->st, SVC_OK);
	assert_int_equal(devices(f), before + 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(bom_crlf_and_any_column_order),
		T(quoted_fields_with_commas_quotes_and_newlines),
		T(line_numbers_count_blank_lines_and_quoted_newlines),
		T(unterminated_quote_stops_and_says_where),
		T(stray_quote_is_malformed),
		T(oversized_field_stops_without_growing),
		T(long_location_is_a_rejected_row),
		T(nul_bytes_reject_the_row),
		T(empty_input_is_refused),
		T(header_only_is_zero_rows),
		T(bad_headers_refuse_everything),
		T(unknown_columns_are_warned_and_ignored),
		T(wrong_field_count_is_rejected),
		T(rerun_is_all_unchanged),
		T(other_model_in_file_or_database_is_rejected),
		T(withdrawn_unit_is_not_revived_by_import),
		T(strict_applies_nothing_when_a_row_is_bad),
		T(dry_run_counts_but_applies_nothing),
		T(non_utf8_row_is_rejected),
		T(twenty_thousand_rows_in_one_pass),
		T(the_serial_filter_never_forgets_and_seldom_errs),
		T(an_import_is_one_audit_entry_its_rows_carry),
		T(an_import_that_changes_nothing_writes_no_entry),
		T(the_bulk_path_registers_as_the_row_path_does),
		T(a_held_row_refused_fails_the_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
