/*
 * test_users.c - users and roles, device assignment, knowledge content,
 * stock, and the audit log they write.
 *
 * Seed 004: "There are five types of roles ... Administrator ... Device
 * Manager ... has visibility only on products assigned to them ... Stock
 * Manager ... has access to the stock location details such as name,
 * shipping instructions and stock levels ... Knowledge User can only view
 * Knowledge content and cannot perform any other actions."
 */
#include "helpers.h"

/* Everything these commands could change. */
static long long digest(svc_db_t *db)
{
	return query_int(db, "SELECT (SELECT count(*) FROM audit) * 1000000"
			     " + (SELECT count(*) FROM \"user\" WHERE removed_at IS NULL) * 10000"
			     " + (SELECT count(*) FROM kb) * 100"
			     " + (SELECT count(*) FROM stock_level) * 10"
			     " + (SELECT count(*) FROM device WHERE assigned_to IS NOT NULL"
			     "    OR stock_location IS NOT NULL)");
}

static void users_are_added_with_a_known_role(void **state)
{
	fixture_t *f = *state;
	long long before;

	assert_int_equal(svc_user_add(f->db, "pat", "device-manager", "Pat Lee", "pat@acme.example"),
			 SVC_OK);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE action = 'add'"
					  " AND object = 'user pat' AND after LIKE '%device-manager%'"), 1);
	before = digest(f->db);
	expect_error(f->db, svc_user_add(f->db, "pat", "stock-manager", NULL, NULL), SVC_EEXISTS,
		     "'pat' is already a user (device-manager); change the role with 'servicer user set-role pat ROLE'");
	expect_error(f->db, svc_user_add(f->db, "sam", "manager", NULL, NULL), SVC_EINVAL,
		     "unknown role 'manager'; use administrator, device-manager, stock-manager, device-stock-manager or knowledge-user");
	expect_error(f->db, svc_user_add(f->db, "sam smith", "stock-manager", NULL, NULL),
		     SVC_EINVAL, "a login holds letters, digits and . _ - @ only, not ' '");
	expect_error(f->db, svc_user_add(f->db, "-rf", "stock-manager", NULL, NULL), SVC_EINVAL,
		     "a login does not start with '-'");
	expect_error(f->db, svc_user_add(f->db, "", "stock-manager", NULL, NULL), SVC_EINVAL,
		     "a login has 1 to 64 characters");
	expect_error(f->db, svc_user_add(f->db, "sam", "stock-manager", NULL, "sam@x\r\nBcc: y"),
		     SVC_EINVAL, "the e-mail address");
	expect_error(f->db, svc_user_add(f->db, "sam", "stock-manager", "Sam\x01", NULL), SVC_EINVAL,
		     "name");
	assert_int_equal(digest(f->db), before);

	/* Only administrators manage users. */
	add_user(f->db, "kim", "knowledge-user");
	assert_int_equal(svc_db_set_actor(f->db, "pat", "test"), SVC_OK);
	before = digest(f->db);
	expect_error(f->db, svc_user_add(f->db, "sam", "stock-manager", NULL, NULL), SVC_EPERM,
		     "user 'pat' is a device-manager; only an administrator may");
	expect_error(f->db, svc_user_set_role(f->db, "kim", "administrator"), SVC_EPERM,
		     "only an administrator may");
	expect_error(f->db, svc_user_remove(f->db, "kim"), SVC_EPERM, "only an administrator may");
	assert_int_equal(digest(f->db), before);
}

static void a_database_keeps_an_administrator(void **state)
{
	fixture_t *f = *state;
	const char *me = svc_login_self();
	long long before = digest(f->db);

	expect_error(f->db, svc_user_set_role(f->db, me, "device-manager"), SVC_ERULE,
		     "is the last administrator; make another user one first");
	expect_error(f->db, svc_user_remove(f->db, me), SVC_ERULE,
		     "that is you; another administrator may remove you");
	assert_int_equal(digest(f->db), before);
	/* The schema holds the rule for any writer. */
	assert_int_not_equal(raw_exec(f->db, "UPDATE \"user\" SET role = 'knowledge-user'"), 0);
	assert_non_null(strstr(svc_errmsg(f->db), "the last administrator stays an administrator"));
	assert_int_not_equal(raw_exec(f->db, "DELETE FROM \"user\""), 0);

	/* With a second administrator, the first may step down. */
	assert_int_equal(svc_user_add(f->db, "boss", "administrator", NULL, NULL), SVC_OK);
	assert_int_equal(svc_user_set_role(f->db, me, "device-manager"), SVC_OK);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE action = 'set-role'"
					  " AND before LIKE '%administrator%' AND after LIKE '%device-manager%'"), 1);
}

static void devices_go_to_device_managers_and_must_be_handed_over(void **state)
{
	fixture_t *f = *state;
	long long before;

	assert_int_equal(svc_user_add(f->db, "pat", "device-manager", NULL, NULL), SVC_OK);
	assert_int_equal(svc_user_add(f->db, "sam", "stock-manager", NULL, NULL), SVC_OK);
	assert_int_equal(svc_device_assign(f->db, "2xb01234", "pat"), SVC_OK);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM device WHERE serial = '2XB01234'"
					  " AND assigned_to = 'pat'"), 1);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE action = 'assign'"
					  " AND object = 'device 2XB01234' AND after LIKE '%\"assigned_to\":\"pat\"%'"), 1);
	before = digest(f->db);
	expect_error(f->db, svc_device_assign(f->db, "2XB05678", "sam"), SVC_ERULE,
		     "they are a stock-manager; devices are assigned to a device-manager or device-stock-manager");
	expect_error(f->db, svc_device_assign(f->db, "2XB05678", "ghost"), SVC_ENOTFOUND,
		     "'ghost' is not a user");
	expect_error(f->db, svc_device_assign(f->db, "NOSUCH1", "pat"), SVC_ENOTFOUND,
		     "serial NOSUCH1 is not registered");
	/* pat has a device: not a role that cannot work it, not removed. */
	expect_error(f->db, svc_user_set_role(f->db, "pat", "knowledge-user"), SVC_ERULE,
		     "1 device and 0 open calls are assigned to 'pat'; hand them over first");
	expect_error(f->db, svc_user_remove(f->db, "pat"), SVC_ERULE,
		     "1 device and 0 open calls are assigned to 'pat'");
	expect_error(f->db, svc_user_remove(f->db, "nobody"), SVC_ENOTFOUND,
		     "'nobody' is not a user; see 'servicer user list'");
	assert_int_equal(digest(f->db), before);
	/* A device-stock manager may keep them. */
	assert_int_equal(svc_user_set_role(f->db, "pat", "device-stock-manager"), SVC_OK);

	assert_int_equal(svc_device_assign(f->db, "2XB01234", NULL), SVC_OK);
	assert_int_equal(svc_user_remove(f->db, "pat"), SVC_OK);
	/* Removed, pat can no longer act; their login stays in the log. */
	expect_error(f->db, svc_db_set_actor(f->db, "pat", "test"), SVC_EPERM,
		     "cannot act as 'pat': not a user of this database");
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM \"user\" WHERE login = 'pat'"
					  " AND removed_at IS NOT NULL"), 1);
	/* Added again, they come back. */
	assert_int_equal(svc_user_add(f->db, "pat", "knowledge-user", NULL, NULL), SVC_OK);
	assert_int_equal(svc_db_set_actor(f->db, "pat", "test"), SVC_OK);
}

static int count_kb(const svc_kb_entry_t *e, void *ctx)
{
	long long *ids = ctx;

	ids[++ids[0]] = e->id;
	if (e->snippet && !strchr(e->snippet, '['))
		fail_msg("snippet without a match: %s", e->snippet);
	return 0;
}

static void knowledge_content_is_searched_by_words(void **state)
{
	fixture_t *f = *state;
	svc_kb_req_t a = { .version = SVC_KB_REQ_VERSION, .title = "Fixing film wrinkles paper", .model = "ir-adv c5535",
			   .code = "E000007-0001",
			   .body = "Replace the fixing film unit.\nCheck the thermistor." };
	svc_kb_req_t b = { .version = SVC_KB_REQ_VERSION, .title = "Toner low after a new cartridge",
			   .body = "Shake the cartridge; the fixing unit is fine." };
	long long id1, id2, ids[8] = { 0 }, before;

	assert_int_equal(svc_kb_add(f->db, &a, &id1), SVC_OK);
	assert_int_equal(svc_kb_add(f->db, &b, &id2), SVC_OK);
	/* The catalogue's spelling is kept. */
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM kb WHERE model = 'iR-ADV C5535'"), 1);

	/* Both hold "fixing"; the one with it in its title comes first. */
	assert_int_equal(svc_kb_search(f->db, "FIXING", 0, count_kb, ids), SVC_OK);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], id1);
	assert_int_equal(ids[2], id2);
	/* Every word must match; query syntax in them is only text. */
	memset(ids, 0, sizeof ids);
	assert_int_equal(svc_kb_search(f->db, "fixing thermistor", 0, count_kb, ids), SVC_OK);
	assert_int_equal(ids[0], 1);
	memset(ids, 0, sizeof ids);
	assert_int_equal(svc_kb_search(f->db, "E000007-0001", 0, count_kb, ids), SVC_OK);
	assert_int_equal(ids[0], 1);
	memset(ids, 0, sizeof ids);
	assert_int_equal(svc_kb_search(f->db, "\"toner OR NEAR( *", 0, count_kb, ids), SVC_OK);
	assert_int_equal(ids[0], 0);
	expect_error(f->db, svc_kb_search(f->db, "  ", 0, count_kb, ids), SVC_EINVAL,
		     "give the words to search for");

	before = digest(f->db);
	a.body = "";
	expect_error(f->db, svc_kb_add(f->db, &a, &id1), SVC_EINVAL,
		     "give a title and a body (--body TEXT or --file FILE)");
	a.body = "ok";
	a.code = "E 1";
	expect_error(f->db, svc_kb_add(f->db, &a, &id1), SVC_EINVAL,
		     "the error code 'E 1' holds a space");
	a.code = NULL;
	a.body = "bad \x01 byte";
	expect_error(f->db, svc_kb_add(f->db, &a, &id1), SVC_EINVAL, "the body");
	expect_error(f->db, svc_kb_remove(f->db, "99"), SVC_ENOTFOUND, "there is no entry 99");
	expect_error(f->db, svc_kb_show(f->db, "1x", count_kb, ids), SVC_EINVAL,
		     "'1x' is not an entry number");
	assert_int_equal(digest(f->db), before);

	/* A knowledge user reads it and writes nothing. */
	add_user(f->db, "kim", "knowledge-user");
	before = digest(f->db);
	assert_int_equal(svc_db_set_actor(f->db, "kim", "test"), SVC_OK);
	memset(ids, 0, sizeof ids);
	assert_int_equal(svc_kb_search(f->db, "toner", 0, count_kb, ids), SVC_OK);
	assert_int_equal(ids[0], 1);
	expect_error(f->db, svc_kb_add(f->db, &b, &id2), SVC_EPERM,
		     "user 'kim' is a knowledge-user; an administrator or a device manager may");
	expect_error(f->db, svc_kb_remove(f->db, "1"), SVC_EPERM, "a device manager may");
	expect_error(f->db, svc_device_list(f->db, NULL, NULL, NULL), SVC_EPERM,
		     "every role but knowledge-user may");
	assert_int_equal(digest(f->db), before);

	/* Removed, it is found no more; the log keeps its text. */
	assert_int_equal(svc_db_set_actor(f->db, NULL, "test"), SVC_OK);
	assert_int_equal(svc_kb_remove(f->db, "1"), SVC_OK);
	memset(ids, 0, sizeof ids);
	assert_int_equal(svc_kb_search(f->db, "thermistor", 0, count_kb, ids), SVC_OK);
	assert_int_equal(ids[0], 0);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE action = 'remove'"
					  " AND object = 'kb 1' AND before LIKE '%thermistor%'"), 1);
}

static void stock_is_kept_by_stock_managers(void **state)
{
	fixture_t *f = *state;
	svc_change_t change;
	long long before;

	add_user(f->db, "sam", "stock-manager");
	add_user(f->db, "pat", "device-manager");
	assert_int_equal(svc_db_set_actor(f->db, "sam", "test"), SVC_OK);
	assert_int_equal(svc_stock_location_add(f->db, "North Warehouse", "Dock 4", &change), SVC_OK);
	assert_int_equal(change, SVC_CHANGE_NEW);
	assert_int_equal(svc_stock_location_add(f->db, "north warehouse", NULL, &change), SVC_OK);
	assert_int_equal(change, SVC_CHANGE_NONE);
	assert_int_equal(svc_stock_location_add(f->db, "north warehouse", "Dock 5", &change), SVC_OK);
	assert_int_equal(change, SVC_CHANGE_UPDATED);
	assert_int_equal(svc_stock_set(f->db, "NORTH WAREHOUSE", "GPR-55 Black", "12"), SVC_OK);
	assert_int_equal(svc_stock_set(f->db, "North Warehouse", "gpr-55 black", "7"), SVC_OK);
	assert_int_equal(query_int(f->db, "SELECT qty FROM stock_level"), 7);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE action = 'set'"
					  " AND before = '{\"item\":\"gpr-55 black\",\"qty\":12}'"
					  " AND after = '{\"item\":\"gpr-55 black\",\"qty\":7}'"), 1);
	assert_int_equal(svc_device_stock(f->db, "2XB01234", "north warehouse"), SVC_OK);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM device WHERE stock_location = 'North Warehouse'"), 1);

	before = digest(f->db);
	expect_error(f->db, svc_stock_set(f->db, "South", "GPR-55 Black", "1"), SVC_ENOTFOUND,
		     "there is no stock location 'South'; add it with 'servicer stock location add NAME'");
	expect_error(f->db, svc_stock_set(f->db, "North Warehouse", "GPR-55 Black", "-1"), SVC_EINVAL,
		     "the quantity '-1' is not a whole number from 0 to 999999");
	expect_error(f->db, svc_stock_set(f->db, "North Warehouse", "GPR-55 Black", "1000000"),
		     SVC_EINVAL, "is not a whole number from 0 to 999999");
	expect_error(f->db, svc_stock_set(f->db, "North Warehouse", " ", "1"), SVC_EINVAL,
		     "give the item");
	expect_error(f->db, svc_stock_location_add(f->db, "", NULL, &change), SVC_EINVAL,
		     "give the location name");
	expect_error(f->db, svc_device_stock(f->db, "2XB05678", "South"), SVC_ENOTFOUND,
		     "there is no stock location 'South'");
	expect_error(f->db, svc_stock_list(f->db, "South", NULL, NULL), SVC_ENOTFOUND, "'South'");
	assert_int_equal(digest(f->db), before);

	/* A device manager does not keep stock. */
	assert_int_equal(svc_db_set_actor(f->db, "pat", "test"), SVC_OK);
	expect_error(f->db, svc_stock_set(f->db, "North Warehouse", "GPR-55 Black", "3"), SVC_EPERM,
		     "user 'pat' is a device-manager; an administrator or a stock manager may");
	expect_error(f->db, svc_device_stock(f->db, "2XB05678", "North Warehouse"), SVC_EPERM,
		     "an administrator or a stock manager may");
	assert_int_equal(digest(f->db), before);
}

static void the_audit_log_is_append_only(void **state)
{
	fixture_t *f = *state;

	assert_int_equal(svc_user_add(f->db, "pat", "device-manager", NULL, NULL), SVC_OK);
	assert_int_not_equal(raw_exec(f->db, "UPDATE audit SET login = 'x'"), 0);
	assert_non_null(strstr(svc_errmsg(f->db), "append-only"));
	assert_int_not_equal(raw_exec(f->db, "DELETE FROM audit"), 0);
	assert_int_equal(query_int(f->db, "SELECT count(*) FROM audit WHERE object = 'user pat'"
					  " AND command = 'test'"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup_devices, fixture_teardown)
		T(users_are_added_with_a_known_role),
		T(a_database_keeps_an_administrator),
		T(devices_go_to_device_managers_and_must_be_handed_over),
		T(knowledge_content_is_searched_by_words),
		T(stock_is_kept_by_stock_managers),
		T(the_audit_log_is_append_only),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
