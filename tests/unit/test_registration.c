/*
 * test_registration.c - the catalogue and ASCR registration rules.
 *
 * Seed 001: "Do not enter a serial number for any product that you will not
 * be able to service."  Hence a model must be in the catalogue first.
 */
#include "helpers.h"

static int setup(void **state)
{
	fixture_t *f;

	if (fixture_setup(state) != 0)
		return -1;
	f = *state;
	assert_int_equal(svc_model_add(f->db, "iR-ADV C5535", 36, 8, NULL), SVC_OK);
	assert_int_equal(svc_model_add(f->db, "iPF6400S", -1, -1, NULL), SVC_OK);
	return 0;
}

static svc_status_t reg(fixture_t *f, const char *model, const char *serial,
			const char *location, svc_change_t *change)
{
	svc_registration_t r = { .version = SVC_REGISTRATION_VERSION, .model = model, .serial = serial, .location = location };

	return svc_device_register(f->db, &r, change);
}

static const char *column(fixture_t *f, const char *sql)
{
	static char buf[256];
	return query_text(f->db, sql, buf, sizeof buf);
}

static void unknown_model_is_refused_with_the_hint(void **state)
{
	fixture_t *f = *state;

	assert_int_equal(reg(f, "iPF9999", "AB12", NULL, NULL), SVC_ERULE);
	assert_string_equal(svc_errmsg(f->db),
			    "cannot register 'AB12': model 'iPF9999' is not serviceable here; add it with 'servicer model add iPF9999'");
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM device"), 0);
}

static void model_matches_catalogue_spelling_and_serial_is_normalized(void **state)
{
	fixture_t *f = *state;
	svc_change_t change;

	assert_int_equal(reg(f, "ir-adv c5535", " ab12 ", NULL, &change), SVC_OK);
	assert_int_equal(change, SVC_CHANGE_NEW);
	assert_string_equal(column(f, "SELECT m.model FROM device d JOIN model m ON m.id = d.model_id"
				" WHERE d.serial = 'AB12'"), "iR-ADV C5535");
	assert_string_equal(column(f, "SELECT status FROM device"), "pending");
	assert_string_equal(column(f, "SELECT support FROM device"), "dispatch");
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE object = 'device AB12' AND action = 'register'"), 1);
}

static void same_registration_twice_changes_nothing(void **state)
{
	fixture_t *f = *state;
	svc_change_t change;

	assert_int_equal(reg(f, "iPF6400S", "S1", "Hall", NULL), SVC_OK);
	long long audits = query_int(f->db, "SELECT count(*) FROM audit");
	assert_int_equal(reg(f, "IPF6400S", "s1", "Hall", &change), SVC_OK);
	assert_int_equal(change, SVC_CHANGE_NONE);
	assert_int_equal(reg(f, "iPF6400S", "S1", NULL, &change), SVC_OK);
	assert_int_equal(change, SVC_CHANGE_NONE);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit"), audits);
}

static void serial_under_another_model_is_refused(void **state)
{
	fixture_t *f = *state;

	assert_int_equal(reg(f, "iPF6400S", "S1", NULL, NULL), SVC_OK);
	assert_int_equal(reg(f, "iR-ADV C5535", "S1", NULL, NULL), SVC_ERULE);
	assert_non_null(strstr(svc_errmsg(f->db), "already registered under model 'iPF6400S'"));
	assert_string_equal(column(f, "SELECT m.model FROM device d JOIN model m ON m.id = d.model_id"
				" WHERE d.serial = 'S1'"), "iPF6400S");
}

static void differing_value_is_refused_blank_is_filled(void **state)
{
	fixture_t *f = *state;
	svc_change_t change;

	assert_int_equal(reg(f, "iPF6400S", "S1", NULL, NULL), SVC_OK);
	assert_int_equal(reg(f, "iPF6400S", "S1", "Hall", &change), SVC_OK);
	assert_int_equal(change, SVC_CHANGE_UPDATED);
	assert_string_equal(column(f, "SELECT location FROM device"), "Hall");
	assert_int_equal(reg(f, "iPF6400S", "S1", "Basement", NULL), SVC_ERULE);
	assert_non_null(strstr(svc_errmsg(f->db), "location 'Hall', not 'Basement'"));
	assert_string_equal(column(f, "SELECT location FROM device"), "Hall");
}

static void warranty_end_follows_installed_and_model(void **state)
{
	fixture_t *f = *state;
	svc_registration_t r = { .version = SVC_REGISTRATION_VERSION, .model = "iR-ADV C5535", .serial = "W1",
				 .installed = "2024-01-31" };

	assert_int_equal(svc_device_register(f->db, &r, NULL), SVC_OK);
	assert_string_equal(column(f, "SELECT warranty_end FROM device WHERE serial = 'W1'"), "2027-01-31");
	r = (svc_registration_t){ .version = SVC_REGISTRATION_VERSION, .model = "iPF6400S", .serial = "W2",
				  .installed = "2024-01-31", .warranty_end = "2025-06-30" };
	assert_int_equal(svc_device_register(f->db, &r, NULL), SVC_OK);
	assert_string_equal(column(f, "SELECT warranty_end FROM device WHERE serial = 'W2'"), "2025-06-30");
}

static void bad_values_are_refused_and_named(void **state)
{
	fixture_t *f = *state;
	struct { svc_registration_t r; const char *words; } cases[] = {
		{ { .version = SVC_REGISTRATION_VERSION, .model = "iPF6400S", .serial = "B1", .installed = "2099-01-01" }, "installed '2099-01-01' is in the future" },
		{ { .version = SVC_REGISTRATION_VERSION, .model = "iPF6400S", .serial = "B1", .installed = "2024-02-30" }, "installed '2024-02-30' is not a date" },
		{ { .version = SVC_REGISTRATION_VERSION, .model = "iPF6400S", .serial = "B1", .installed = "2024-05-01", .warranty_end = "2024-04-30" }, "before installed" },
		{ { .version = SVC_REGISTRATION_VERSION, .model = "iPF6400S", .serial = "B1", .support = "gold" }, "support 'gold'" },
		{ { .version = SVC_REGISTRATION_VERSION, .model = "iPF6400S", .serial = "B1", .account = "AC 1" }, "account 'AC 1'" },
		{ { .version = SVC_REGISTRATION_VERSION, .model = "iPF6400S", .serial = "B1", .location = "caf\xe9" }, "not valid UTF-8" },
		{ { .version = SVC_REGISTRATION_VERSION, .model = "", .serial = "B1" }, "model is empty" },
		{ { .version = SVC_REGISTRATION_VERSION, .model = "iPF6400S", .serial = "B 1" }, "only A-Z, 0-9 and '-'" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_int_equal(svc_device_register(f->db, &cases[i].r, NULL), SVC_EINVAL);
		if (!strstr(svc_errmsg(f->db), cases[i].words))
			fail_msg("case %zu: '%s' lacks '%s'", i, svc_errmsg(f->db), cases[i].words);
	}
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM device"), 0);
}

static void confirm_is_all_or_nothing(void **state)
{
	fixture_t *f = *state;
	char *both[] = { "S1", "NOPE" }, *one[] = { "s1" };
	size_t n = 9;

	assert_int_equal(reg(f, "iPF6400S", "S1", NULL, NULL), SVC_OK);
	assert_int_equal(svc_device_confirm(f->db, both, 2, &n), SVC_ENOTFOUND);
	assert_non_null(strstr(svc_errmsg(f->db), "NOPE is not registered"));
	assert_string_equal(column(f, "SELECT status FROM device"), "pending");
	assert_int_equal(svc_device_confirm(f->db, one, 1, &n), SVC_OK);
	assert_int_equal(n, 1);
	assert_string_equal(column(f, "SELECT status FROM device"), "active");
	assert_int_equal(svc_device_confirm(f->db, one, 1, &n), SVC_OK);
	assert_int_equal(n, 0);
}

static void confirm_pending_confirms_every_pending(void **state)
{
	fixture_t *f = *state;
	size_t n = 0;

	assert_int_equal(reg(f, "iPF6400S", "S1", NULL, NULL), SVC_OK);
	assert_int_equal(reg(f, "iPF6400S", "S2", NULL, NULL), SVC_OK);
	assert_int_equal(svc_device_confirm_pending(f->db, &n), SVC_OK);
	assert_int_equal(n, 2);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM device WHERE status = 'active' AND confirmed_at IS NOT NULL"), 2);
	assert_int_equal(svc_device_confirm_pending(f->db, &n), SVC_OK);
	assert_int_equal(n, 0);
}

static void withdraw_needs_reason_and_keeps_history(void **state)
{
	fixture_t *f = *state;
	char *s1[] = { "S1" };
	svc_change_t change;

	assert_int_equal(reg(f, "iPF6400S", "S1", "Hall", NULL), SVC_OK);
	assert_int_equal(svc_device_withdraw(f->db, s1, 1, ""), SVC_EINVAL);
	assert_non_null(strstr(svc_errmsg(f->db), "a reason is required"));
	assert_int_equal(svc_device_withdraw(f->db, s1, 1, "customer moved away"), SVC_OK);
	assert_string_equal(column(f, "SELECT status FROM device"), "withdrawn");
	assert_int_equal(svc_device_withdraw(f->db, s1, 1, "again"), SVC_ERULE);
	assert_string_equal(column(f, "SELECT withdraw_reason FROM device"), "customer moved away");
	assert_int_equal(svc_device_confirm(f->db, s1, 1, NULL), SVC_ERULE);
	assert_non_null(strstr(svc_errmsg(f->db), "withdrawn"));
	/* Registering it again makes it pending, with the history in the log. */
	assert_int_equal(reg(f, "iPF6400S", "S1", NULL, &change), SVC_OK);
	assert_int_equal(change, SVC_CHANGE_UPDATED);
	assert_string_equal(column(f, "SELECT status FROM device"), "pending");
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE object = 'device S1'"), 3);
}

static void model_with_devices_cannot_be_removed(void **state)
{
	fixture_t *f = *state;

	assert_int_equal(reg(f, "iPF6400S", "S1", NULL, NULL), SVC_OK);
	assert_int_equal(svc_model_remove(f->db, "ipf6400s"), SVC_ERULE);
	assert_non_null(strstr(svc_errmsg(f->db), "1 device is registered under it"));
	assert_int_equal(svc_model_remove(f->db, "nothing"), SVC_ENOTFOUND);
	assert_int_equal(svc_model_remove(f->db, "iR-ADV C5535"), SVC_OK);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM model"), 1);
}

static void model_add_updates_terms_and_checks_them(void **state)
{
	fixture_t *f = *state;
	svc_change_t change;

	assert_int_equal(svc_model_add(f->db, "IR-ADV C5535", 24, -1, &change), SVC_OK);
	assert_int_equal(change, SVC_CHANGE_UPDATED);
	assert_string_equal(column(f, "SELECT model || ':' || warranty_months || ':' || response_hours FROM model WHERE model = 'iR-ADV C5535'"),
			    "iR-ADV C5535:24:8");
	assert_int_equal(svc_model_add(f->db, "iR-ADV C5535", 24, 8, &change), SVC_OK);
	assert_int_equal(change, SVC_CHANGE_NONE);
	assert_int_equal(svc_model_add(f->db, "X", 241, -1, NULL), SVC_EINVAL);
	assert_int_equal(svc_model_add(f->db, " X", -1, -1, NULL), SVC_EINVAL);
	assert_int_equal(svc_model_add(f->db, "", -1, -1, NULL), SVC_EINVAL);
}

static void locate_changes_only_the_location(void **state)
{
	fixture_t *f = *state;

	assert_int_equal(reg(f, "iPF6400S", "S1", "Hall", NULL), SVC_OK);
	assert_int_equal(svc_device_locate(f->db, "s1", "Room 2"), SVC_OK);
	assert_string_equal(column(f, "SELECT location FROM device"), "Room 2");
	assert_int_equal(svc_device_locate(f->db, "S9", "Room 2"), SVC_ENOTFOUND);
	assert_int_equal(svc_device_locate(f->db, "S1", "bad\x01"), SVC_EINVAL);
	assert_string_equal(column(f, "SELECT location FROM device"), "Room 2");
	assert_string_equal(column(f, "SELECT before || ' -> ' || after FROM audit WHERE action = 'locate'"),
			    "{\"model\":\"iPF6400S\",\"status\":\"pending\",\"support\":\"dispatch\",\"location\":\"Hall\"} -> "
			    "{\"model\":\"iPF6400S\",\"status\":\"pending\",\"support\":\"dispatch\",\"location\":\"Room 2\"}");
}

static int count_cb(const svc_device_t *d, void *ctx)
{
	(void)d;
	(*(int *)ctx)++;
	return 0;
}

static void list_filters_by_status_and_model(void **state)
{
	fixture_t *f = *state;
	char *s1[] = { "S1" };
	svc_device_filter_t by_status = { .version = SVC_DEVICE_FILTER_VERSION, .status = "active" }, by_model = { .version = SVC_DEVICE_FILTER_VERSION, .model = "IPF6400S" },
			    bad = { .version = SVC_DEVICE_FILTER_VERSION, .status = "gone" };
	int n = 0;

	assert_int_equal(reg(f, "iPF6400S", "S1", NULL, NULL), SVC_OK);
	assert_int_equal(reg(f, "iPF6400S", "S2", NULL, NULL), SVC_OK);
	assert_int_equal(reg(f, "iR-ADV C5535", "S3", NULL, NULL), SVC_OK);
	assert_int_equal(svc_device_confirm(f->db, s1, 1, NULL), SVC_OK);
	assert_int_equal(svc_device_list(f->db, &by_status, count_cb, &n), SVC_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(svc_device_list(f->db, &by_model, count_cb, &n), SVC_OK);
	assert_int_equal(n, 2);
	assert_int_equal(svc_device_list(f->db, &bad, count_cb, &n), SVC_EINVAL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(unknown_model_is_refused_with_the_hint),
		T(model_matches_catalogue_spelling_and_serial_is_normalized),
		T(same_registration_twice_changes_nothing),
		T(serial_under_another_model_is_refused),
		T(differing_value_is_refused_blank_is_filled),
		T(warranty_end_follows_installed_and_model),
		T(bad_values_are_refused_and_named),
		T(confirm_is_all_or_nothing),
		T(confirm_pending_confirms_every_pending),
		T(withdraw_needs_reason_and_keeps_history),
		T(model_with_devices_cannot_be_removed),
		T(model_add_updates_terms_and_checks_them),
		T(locate_changes_only_the_location),
		T(list_filters_by_status_and_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
