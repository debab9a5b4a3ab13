/* test_text.c - serial normalization, dates, UTF-8, numbers. */
#include <errno.h>
#include <limits.h>

#include "helpers.h"

static void serial_is_trimmed_and_upper_cased(void **state)
{
	char out[SVC_SERIAL_MAX + 1], err[200];

	(void)state;
	assert_int_equal(svc_serial_normalize("  ab-12c \t", out, err, sizeof err), SVC_OK);
	assert_string_equal(out, "AB-12C");
}

static void serial_refuses_bad_characters_and_lengths(void **state)
{
	char out[SVC_SERIAL_MAX + 1], err[200];

	(void)state;
	assert_int_equal(svc_serial_normalize("AB 12", out, err, sizeof err), SVC_EINVAL);
	assert_non_null(strstr(err, "'AB 12' has ' ' at position 3"));
	assert_int_equal(svc_serial_normalize("AB_12", out, err, sizeof err), SVC_EINVAL);
	assert_int_equal(svc_serial_normalize("   ", out, err, sizeof err), SVC_EINVAL);
	assert_string_equal(err, "serial number is empty");
	assert_int_equal(svc_serial_normalize("\xc3\xa9" "A", out, err, sizeof err), SVC_EINVAL);
	/* 32 characters is the most. */
	assert_int_equal(svc_serial_normalize("0123456789ABCDEF0123456789ABCDEF", out, err,
					      sizeof err), SVC_OK);
	assert_int_equal(svc_serial_normalize("0123456789ABCDEF0123456789ABCDEFG", out, err,
					      sizeof err), SVC_EINVAL);
	assert_non_null(strstr(err, "33 characters long"));
}

static void dates_parse_only_real_days(void **state)
{
	int64_t d;
	char out[11];

	(void)state;
	assert_int_equal(svc_date_parse("1970-01-01", &d), SVC_OK);
	assert_int_equal(d, 0);
	assert_int_equal(svc_date_parse("2024-02-29", &d), SVC_OK);
	svc_date_format(d, out);
	assert_string_equal(out, "2024-02-29");
	assert_int_equal(svc_date_parse("2026-02-29", &d), SVC_EINVAL);
	assert_int_equal(svc_date_parse("2026-13-01", &d), SVC_EINVAL);
	assert_int_equal(svc_date_parse("2026-1-01", &d), SVC_EINVAL);
	assert_int_equal(svc_date_parse("2026-01-01x", &d), SVC_EINVAL);
	assert_int_equal(svc_date_parse("20260101", &d), SVC_EINVAL);
	assert_int_equal(svc_date_parse("", &d), SVC_EINVAL);
}

static void months_are_added_with_clamping(void **state)
{
	int64_t d;
	char out[11];

	(void)state;
	assert_int_equal(svc_date_parse("2026-01-31", &d), SVC_OK);
	svc_date_format(svc_date_add_months(d, 1), out);
	assert_string_equal(out, "2026-02-28");
	svc_date_format(svc_date_add_months(d, 13), out);
	assert_string_equal(out, "2027-02-28");
	assert_int_equal(svc_date_parse("2023-02-28", &d), SVC_OK);
	svc_date_format(svc_date_add_months(d, 12), out);
	assert_string_equal(out, "2024-02-28");
	assert_int_equal(svc_date_parse("2024-02-29", &d), SVC_OK);
	svc_date_format(svc_date_add_months(d, 36), out);
	assert_string_equal(out, "2027-02-28");
}

static void utf8_validation(void **state)
{
	(void)state;
	assert_true(svc_utf8_valid("plain", 5));
	assert_true(svc_utf8_valid("caf\xc3\xa9", 5));
	assert_true(svc_utf8_valid("\xf0\x9f\x96\xa8", 4));
	assert_false(svc_utf8_valid("caf\xe9", 4));		/* Latin-1 */
	assert_false(svc_utf8_valid("\xc0\xaf", 2));		/* overlong */
	assert_false(svc_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(svc_utf8_valid("\xe2\x82", 2));		/* truncated */
}

static void numbers_must_be_whole(void **state)
{
	long long v;

	(void)state;
	assert_true(svc__parse_uint("42", 100, &v));
	assert_int_equal(v, 42);
	assert_false(svc__parse_uint("42x", 100, &v));
	assert_false(svc__parse_uint("-1", 100, &v));
	assert_false(svc__parse_uint("101", 100, &v));
	assert_false(svc__parse_uint("", 100, &v));
	assert_false(svc__parse_uint("99999999999999999999999", 9007199254740992LL, &v));
}

static void json_builder_escapes(void **state)
{
	svc_buf_t b = { 0 };

	(void)state;
	svc__json_field(&b, "a", "x\"y\\z\n");
	svc__json_int(&b, "n", -3);
	svc__json_field(&b, "c", NULL);
	assert_string_equal(svc__buf_str(&b), "{\"a\":\"x\\\"y\\\\z\\n\",\"n\":-3,\"c\":null}");
	svc__buf_free(&b);
	/* Every control character escaped, DEL too; UTF-8 as it is. */
	svc__buf_json_str(&b, "\t\r\x01\x1f\x7f caf\xc3\xa9");
	assert_string_equal(svc__buf_str(&b), "\"\\t\\r\\u0001\\u001f\\u007f caf\xc3\xa9\"");
	svc__buf_free(&b);
}

/* The one CSV quoter: quotes only where a reader would misread the field. */
static void csv_fields_are_quoted_only_where_they_must_be(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "plain", "plain" },		   { "", "" },
		{ "a,b", "\"a,b\"" },		   { "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" }, { "cr\r", "\"cr\r\"" },
		{ " lead", "\" lead\"" },	   { "trail ", "\"trail \"" },
		{ "in side", "in side" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		svc_buf_t b = { 0 };

		svc__csv_field(&b, cases[i].in, true);
		assert_string_equal(b.p ? b.p : "", cases[i].out);
		svc__buf_free(&b);
	}
	svc_buf_t row = { 0 };
	svc__csv_field(&row, "a", true);
	svc__csv_field(&row, NULL, false);
	svc__csv_fieldn(&row, "x\0y", 3, false);
	assert_int_equal(row.len, 6);
	assert_memory_equal(row.p, "a,,x\0y", 6);
	svc__buf_free(&row);
}

/* FIPS 180-4's examples, and a message that spans many blocks unevenly:
 * by the processor's SHA instructions where it has them, and in C. */
static void sha256_of_the_standard_examples_both_ways(bool hardware)
{
	static const struct { const char *in, *hex; } cases[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	svc__sha256_t c;
	char hex[65], chunk[1000];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		svc__sha256_init_with(&c, hardware);
		svc__sha256_add(&c, cases[i].in, strlen(cases[i].in));
		svc__sha256_hex(&c, hex);
		assert_string_equal(hex, cases[i].hex);
	}
	/* A million 'a', fed 1000, then 7, 993 at a time. */
	memset(chunk, 'a', sizeof chunk);
	svc__sha256_init_with(&c, hardware);
	for (int i = 0; i < 500; i++) {
		svc__sha256_add(&c, chunk, 1000);
		svc__sha256_add(&c, chunk, 7);
		svc__sha256_add(&c, chunk, 993);
	}
	svc__sha256_hex(&c, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void sha256_of_the_standard_examples(void **state)
{
	svc__sha256_t c, d;
	bool hardware;

	(void)state;
	sha256_of_the_standard_examples_both_ways(false);
	sha256_of_the_standard_examples_both_ways(true);
	/* svc__sha256_init takes the instructions whenever they are there. */
	svc__sha256_init(&c);
	hardware = svc__sha256_init_with(&d, true);
	assert_ptr_equal(c.blocks, d.blocks);
	print_message("SHA-256 by the processor's instructions: %s\n",
		      hardware ? "yes, checked against C" : "no, C only");
}

/* Both ways agree on messages of every length to 300 bytes, fed whole and
 * in uneven pieces, and on one of 100 kB: the hardware's message schedule
 * and state order are easy to get wrong in one lane only. */
static void sha256_by_hardware_is_sha256_in_c(void **state)
{
	static unsigned char msg[100000];
	uint32_t x = 12345;
	char c_hex[65], hw_hex[65];
	svc__sha256_t c, hw;

	(void)state;
	for (size_t i = 0; i < sizeof msg; i++) {
		x = x * 1103515245u + 12345u;
		msg[i] = (unsigned char)(x >> 16);
	}
	for (size_t n = 0; n <= 300; n++) {
		svc__sha256_init_with(&c, false);
		svc__sha256_add(&c, msg, n);
		svc__sha256_hex(&c, c_hex);
		svc__sha256_init_with(&hw, true);
		for (size_t at = 0, piece = 1; at < n; at += piece, piece = piece * 3 % 71 + 1)
			svc__sha256_add(&hw, msg + at, piece < n - at ? piece : n - at);
		svc__sha256_hex(&hw, hw_hex);
		assert_string_equal(hw_hex, c_hex);
	}
	svc__sha256_init_with(&c, false);
	svc__sha256_add(&c, msg, sizeof msg);
	svc__sha256_hex(&c, c_hex);
	svc__sha256_init_with(&hw, true);
	svc__sha256_add(&hw, msg, sizeof msg);
	svc__sha256_hex(&hw, hw_hex);
	assert_string_equal(hw_hex, c_hex);
}

/* svc__lltoa writes what "%lld" does, at both ends of the range too. */
static void numbers_are_written_as_printf_writes_them(void **state)
{
	static const long long cases[] = { 0, 7, -7, 9, 10, -10, 99, 100, 1234567890123LL,
					   LLONG_MAX, LLONG_MIN, LLONG_MIN + 1 };
	char want[32], buf[24];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		snprintf(want, sizeof want, "%lld", cases[i]);
		assert_string_equal(svc__lltoa(cases[i], buf), want);
	}
}

/* The same digest taken on the import's second thread: pieces smaller and
 * larger than its chunks, more of them than its ring holds. */
static void digest_on_a_thread_is_sha256(void **state)
{
	static char big[200000];
	svc__digest_t *d = svc__digest_new();
	char hex[65];

	(void)state;
	assert_non_null(d);
	memset(big, 'a', sizeof big);
	for (int i = 0; i < 5; i++) {
		svc__digest_add(d, big, sizeof big);	/* 1,000,000 'a' in all */
		svc__digest_add(d, big, 0);
	}
	svc__digest_end(d, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	d = svc__digest_new();
	assert_non_null(d);
	svc__digest_add(d, "ab", 2);
	svc__digest_add(d, "c", 1);
	svc__digest_end(d, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	d = svc__digest_new();
	assert_non_null(d);
	svc__digest_end(d, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* The sorter: past its memory, runs on files merged; every record once,
 * in order; a temporary directory that cannot be written is an error. */
static int by_value(const void *a, const void *b)
{
	const long long *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

typedef struct seen {
	long long last, n, sum;
	bool ordered;
} seen_t;

static int see(void *ctx, const void *rec)
{
	seen_t *s = ctx;
	long long v = *(const long long *)rec;

	s->ordered = s->ordered && (s->n == 0 || v >= s->last);
	s->last = v;
	s->sum += v;
	return ++s->n == 0;
}

static void sorter_spills_runs_and_merges_them(void **state)
{
	unsigned seed = 7;

	(void)state;
	for (int memory = 8 * 100; memory <= 8 * 100000; memory *= 1000) {
		svc__sorter_t *s = svc__sorter_new(sizeof(long long), by_value, (size_t)memory);
		seen_t seen = { 0, 0, 0, true };
		long long sum = 0;

		assert_non_null(s);
		for (int i = 0; i < 10000; i++) {
			long long v = (long long)((seed = seed * 1103515245 + 12345) >> 8) % 5000;

			sum += v;
			assert_int_equal(svc__sorter_add(s, &v), 0);
		}
		assert_int_equal(svc__sorter_each(s, see, &seen), 0);
		assert_int_equal(seen.n, 10000);
		assert_int_equal(seen.sum, sum);
		assert_true(seen.ordered);
		svc__sorter_free(s);
	}
	{
		char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
		svc__sorter_t *s = svc__sorter_new(sizeof(long long), by_value, 8 * 4);
		long long v = 1;
		int rc = 0;

		setenv("TMPDIR", "/nonexistent/servicer-test", 1);
		for (int i = 0; i < 8 && rc == 0; i++)
			rc = svc__sorter_add(s, &v);
		assert_int_equal(rc, -1);
		assert_int_equal(errno, ENOENT);
		svc__sorter_free(s);
		if (old)
			setenv("TMPDIR", old, 1);
		else
			unsetenv("TMPDIR");
		free(old);
	}
}

/* Members read back, as "key=value;" ("key=null;" for null). */
static bool join_member(const char *key, const char *value, void *ctx)
{
	svc__buf_printf(ctx, "%s=%s;", key, value ? value : "null");
	return true;
}

static void json_objects_are_read_back(void **state)
{
	svc_buf_t b = { 0 };

	(void)state;
	assert_true(svc__json_members(" { \"a\" : \"x\\\"y\\n\\u00e9\\ud83d\\ude00\","
				      "\"n\":-1.5e3,\"t\":true,\"z\":null,\"o\":{\"k\":[1,\"]\"]}} ",
				      join_member, &b));
	assert_string_equal(svc__buf_str(&b),
			    "a=x\"y\n\xc3\xa9\xf0\x9f\x98\x80;n=-1.5e3;t=true;z=null;o={\"k\":[1,\"]\"]};");
	svc__buf_free(&b);
	assert_true(svc__json_members("{}", join_member, &b));
	/* not objects, or not whole ones */
	assert_false(svc_json_is_object("[1]"));
	assert_false(svc_json_is_object("\"a\""));
	assert_false(svc_json_is_object("{\"a\":1"));
	assert_false(svc_json_is_object("{\"a\":1} x"));
	assert_false(svc_json_is_object("{\"a\":bad}"));
	assert_false(svc_json_is_object("{\"a\":\"\\q\"}"));
	assert_false(svc_json_is_object("{\"a\":\"\\ud83d\"}")); /* half a pair */
	assert_false(svc_json_is_object("{a:1}"));
	assert_false(svc_json_is_object(NULL));
	assert_true(svc_json_is_object("{\"a\":[{\"b\":null}],\"c\":false}"));
	svc__buf_free(&b);
}

/* The line "servicer log" shows for an entry. */
static void change_of(const char *before, const char *after, const char *want)
{
	svc_audit_entry_t e = { 1, "2026-11-20T21:00:00Z", "pat", "dispatch", "assign",
				"dispatch 7701", before, after };
	char *line = svc_audit_change(&e);

	assert_non_null(line);
	assert_string_equal(line, want);
	free(line);
}

static void audit_change_says_what_changed(void **state)
{
	(void)state;
	setenv("TZ", "America/New_York", 1);
	tzset();
	/* the issue's own example */
	change_of("{\"status\":\"received\",\"assigned_to\":null}",
		  "{\"status\":\"assigned\",\"assigned_to\":\"pat\",\"at\":\"2026-11-20T21:00:00Z\"}",
		  "dispatch 7701: status received \xe2\x86\x92 assigned, assigned_to - \xe2\x86\x92 pat, "
		  "at 2026-11-20 16:00");
	change_of(NULL, "{\"number\":\"7701\",\"problem\":null}",
		  "dispatch 7701: number 7701, problem -");
	change_of("{\"number\":\"7701\"}", NULL, "dispatch 7701: number 7701");
	change_of("{\"a\":1,\"b\":2}", "{\"a\":1}", "dispatch 7701: b 2 \xe2\x86\x92 -");
	change_of("{\"a\":1}", "{\"a\":1}", "dispatch 7701: no change");
	/* text another program wrote, shown as it is */
	change_of("not json", "{\"a\":1}", "dispatch 7701: not json \xe2\x86\x92 {\"a\":1}");
	setenv("TZ", "UTC", 1);
	tzset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(serial_is_trimmed_and_upper_cased),
		cmocka_unit_test(serial_refuses_bad_characters_and_lengths),
		cmocka_unit_test(dates_parse_only_real_days),
		cmocka_unit_test(months_are_added_with_clamping),
		cmocka_unit_test(utf8_validation),
		cmocka_unit_test(numbers_must_be_whole),
		cmocka_unit_test(json_builder_escapes),
		cmocka_unit_test(csv_fields_are_quoted_only_where_they_must_be),
		cmocka_unit_test(sha256_of_the_standard_examples),
		cmocka_unit_test(sha256_by_hardware_is_sha256_in_c),
		cmocka_unit_test(numbers_are_written_as_printf_writes_them),
		cmocka_unit_test(digest_on_a_thread_is_sha256),
		cmocka_unit_test(sorter_spills_runs_and_merges_them),
		cmocka_unit_test(json_objects_are_read_back),
		cmocka_unit_test(audit_change_says_what_changed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
