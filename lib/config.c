/* config.c - configuration keys, their types and defaults, kept in the database. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "servicer-private.h"

typedef bool (*check_fn)(const char *value, char *err, size_t errlen);

typedef struct key_spec {
	const char *key;
	const char *default_value;
	check_fn check;
	const char *description;
} key_spec_t;

static bool check_text(const char *v, char *err, size_t errlen)
{
	if (!*v) {
		snprintf(err, errlen, "must not be empty");
		return false;
	}
	return svc__text_ok(v, SVC_TEXT_MAX, err, errlen);
}

static bool check_id(const char *v, char *err, size_t errlen)
{
	return svc__account_ok(v, err, errlen);
}

static bool check_clock(const char *v, char *err, size_t errlen)
{
	svc_hours_t h;

	if (svc_hours_parse(v, "24:00", "mon", &h, err, errlen) == SVC_OK ||
	    svc_hours_parse("00:00", v, "mon", &h, err, errlen) == SVC_OK)
		return true;
	snprintf(err, errlen, "is not a time of day HH:MM (08:00, 17:30)");
	return false;
}

static bool check_days(const char *v, char *err, size_t errlen)
{
	svc_hours_t h;

	if (svc_hours_parse("00:00", "24:00", v, &h, err, errlen) == SVC_OK)
		return true;
	snprintf(err, errlen, "is not a list of days such as 'mon-fri' or 'mon,wed,fri'");
	return false;
}

static bool check_response_hours(const char *v, char *err, size_t errlen)
{
	long long n;

	if (svc__parse_uint(v, SVC_RESPONSE_HOURS_MAX, &n) && n >= 1)
		return true;
	snprintf(err, errlen, "is not a whole number of hours from 1 to %d",
		 SVC_RESPONSE_HOURS_MAX);
	return false;
}

bool svc_zone_known(const char *zone, char *err, size_t errlen)
{
	const char *dir = getenv("TZDIR"), *v = zone && *zone == ':' ? zone + 1 : zone;
	char path[512];

	if (!v || !*v)
		return true;
	/* A POSIX rule ("EST5EDT", "<+03>-3") is read without any file. */
	if (strpbrk(v, "0123456789<,"))
		return true;
	snprintf(path, sizeof path, "%s%s%s", *v == '/' ? "" : dir && *dir ? dir : "/usr/share/zoneinfo",
		 *v == '/' ? "" : "/", v);
	if (access(path, R_OK) == 0)
		return true;
	snprintf(err, errlen, "'%s' is not a time zone this machine knows (no %s)", zone, path);
	return false;
}

/* An IANA zone name that this machine's time zone database holds. */
static bool check_timezone(const char *v, char *err, size_t errlen)
{
	const char *dir = getenv("TZDIR");
	char path[512];

	if (!*v || *v == '/' || strstr(v, "..") ||
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") != strlen(v)) {
		snprintf(err, errlen, "is not a time zone name such as 'America/New_York'");
		return false;
	}
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", v);
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen,
			 "is not a time zone this machine knows (no %s); install tzdata or check the spelling",
			 path);
		return false;
	}
	return true;
}

/* An addr-spec: local@domain in printable ASCII, nothing a header could
 * be split on. */
bool svc__address_ok(const char *v, char *err, size_t errlen)
{
	const char *at = strrchr(v, '@');

	for (const char *p = v; *p; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("<>(),;:\\\"[]", *p)) {
			snprintf(err, errlen, "is not an e-mail address (it holds %s)",
				 *p == '\r' || *p == '\n' ? "a line break"
				 : (unsigned char)*p <= ' ' ? "a space or control character"
							    : "a character not allowed here");
			return false;
		}
	}
	if (!at || at == v || !at[1] || !strchr(at + 1, '.') || strlen(v) > 254) {
		snprintf(err, errlen, "is not an e-mail address such as service@dealer.example");
		return false;
	}
	return true;
}

static bool check_address(const char *v, char *err, size_t errlen)
{
	return svc__address_ok(v, err, errlen);
}

/* Addresses separated by commas. */
static bool check_addresses(const char *v, char *err, size_t errlen)
{
	char one[256];

	while (*v) {
		size_t n = strcspn(v, ",");

		if (n == 0 || n >= sizeof one) {
			snprintf(err, errlen, "is not a list of e-mail addresses separated by commas");
			return false;
		}
		memcpy(one, v, n);
		one[n] = '\0';
		if (!svc__address_ok(one, err, errlen))
			return false;
		v += n + (v[n] == ',');
	}
	return true;
}

/* The host of a URL: a name or IPv4 address, or an IPv6 one in brackets. */
static size_t url_host_len(const char *p)
{
	if (*p == '[') {
		size_t n = 1 + strspn(p + 1, "0123456789abcdefABCDEF:.");

		return p[n] == ']' && n > 2 ? n + 1 : 0;
	}
	if (!*p || *p == '.' || *p == '-')
		return 0;
	return strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
}

/* smtp://HOST[:PORT][/EHLO-NAME] or smtps://...: what libcurl would read
 * otherwise (an empty port is port 25, a user and password in the URL are
 * sent) is refused here. */
bool svc__smtp_url_ok(const char *v, char *err, size_t errlen)
{
	const char *p = strncmp(v, "smtp://", 7) == 0	 ? v + 7
			: strncmp(v, "smtps://", 8) == 0 ? v + 8
							 : NULL;
	size_t n;
	long long port;

	if (!p) {
		snprintf(err, errlen, "is not smtp://HOST[:PORT] or smtps://HOST[:PORT]");
		return false;
	}
	if (strlen(v) > 255 || p[strcspn(p, "@?#")] != '\0') {
		snprintf(err, errlen,
			 "is not smtp://HOST[:PORT] or smtps://HOST[:PORT] (no user, password, query or fragment: the password goes in ~/.netrc)");
		return false;
	}
	if (!(n = url_host_len(p))) {
		snprintf(err, errlen, "has no usable host name after '//'");
		return false;
	}
	p += n;
	if (*p == ':') {
		char digits[8];

		n = strspn(p + 1, "0123456789");
		snprintf(digits, sizeof digits, "%.*s", (int)(n < 6 ? n : 6), p + 1);
		if (n == 0 || n > 5 || !svc__parse_uint(digits, 65535, &port) || port == 0) {
			snprintf(err, errlen, "has no port from 1 to 65535 after ':' (587 for STARTTLS, 465 for smtps)");
			return false;
		}
		p += 1 + n;
	}
	if (*p == '/')
		p += 1 + url_host_len(p + 1);
	if (*p) {
		snprintf(err, errlen, "has '%s' where only ':PORT' may follow the host", p);
		return false;
	}
	return true;
}

static bool check_smtp_url(const char *v, char *err, size_t errlen)
{
	return svc__smtp_url_ok(v, err, errlen);
}

static bool check_starttls(const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "required") == 0 || strcmp(v, "no") == 0)
		return true;
	snprintf(err, errlen, "is not 'required' or 'no'");
	return false;
}

static bool check_path(const char *v, char *err, size_t errlen)
{
	if (*v == '/' && !strpbrk(v, "\r\n"))
		return true;
	snprintf(err, errlen, "is not an absolute file path");
	return false;
}

static bool check_seconds(const char *v, char *err, size_t errlen)
{
	long long n;

	if (svc__parse_uint(v, 3600, &n) && n >= 1)
		return true;
	snprintf(err, errlen, "is not a whole number of seconds from 1 to 3600");
	return false;
}

static bool check_login(const char *v, char *err, size_t errlen)
{
	if (*v && strlen(v) <= 254 && !strpbrk(v, "\r\n"))
		return svc__text_ok(v, 254, err, errlen);
	snprintf(err, errlen, "is not a user name for the mail server");
	return false;
}

/* Sorted by key; `config list` shows them in this order. */
static const key_spec_t keys[] = {
	{ "closeout.cc", NULL, check_addresses,
	  "addresses a close-out is copied to, separated by commas" },
	{ "closeout.to", SVC_CLOSEOUT_TO, check_address,
	  "where close-outs are e-mailed (CITS)" },
	{ "dealer.id", NULL, check_id,
	  "the dealer's Canon authorized servicer id" },
	{ "dealer.name", NULL, check_text, "the dealer's name" },
	{ "dealer.timezone", NULL, check_timezone,
	  "the dealer's time zone (IANA name); unset: the TZ of the process" },
	{ "hours.close", "17:00", check_clock, "closing time of business hours, HH:MM" },
	{ "hours.days", "mon-fri", check_days, "working days, e.g. mon-fri or mon,wed,fri" },
	{ "hours.open", "08:00", check_clock, "opening time of business hours, HH:MM" },
	{ "mail.from", NULL, check_address, "the dealer's address close-outs are sent from" },
	{ "sla.response_hours", NULL, check_response_hours,
	  "contracted response time in business hours, for models without their own" },
	{ "smtp.cainfo", NULL, check_path,
	  "CA certificates (PEM) to trust for the mail server, for a private CA" },
	{ "smtp.starttls", "required", check_starttls,
	  "for smtp:// URLs: 'required' (refuse a server without TLS) or 'no'" },
	{ "smtp.timeout", "60", check_seconds,
	  "seconds to connect, and for each message, before giving up" },
	{ "smtp.url", NULL, check_smtp_url,
	  "the mail server: smtp://host:587 (STARTTLS) or smtps://host:465" },
	{ "smtp.user", NULL, check_login, "the user name to log in to the mail server" },
};

svc_status_t svc__config_keys(const char *prefix, long long limit, svc_name_cb cb, void *ctx)
{
	size_t n = strlen(prefix);
	long long given = 0;

	for (size_t i = 0; i < sizeof keys / sizeof *keys && (!limit || given < limit); i++)
		if (strncmp(keys[i].key, prefix, n) == 0 && (given++, cb(keys[i].key, ctx) != 0))
			break;
	return SVC_OK;
}

static const key_spec_t *find_key(const char *key)
{
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if (strcmp(keys[i].key, key) == 0)
			return &keys[i];
	return NULL;
}

static svc_status_t unknown_key(svc_db_t *db, const char *key)
{
	svc_buf_t known = { 0 };

	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		svc__buf_printf(&known, "%s%s", i ? ", " : "", keys[i].key);
	svc__error(db, SVC_EINVAL, "unknown configuration key '%s'; known keys: %s",
		   key, known.p ? known.p : "");
	svc__buf_free(&known);
	return SVC_EINVAL;
}

svc_status_t svc__config_get(svc_db_t *db, const char *key, char **value)
{
	const key_spec_t *spec = find_key(key);
	svc_status_t rc;

	*value = NULL;
	if (!spec)
		return unknown_key(db, key);
	if ((rc = svc__store_config_get(db, key, value)) != SVC_OK)
		return rc;
	if (!*value && spec->default_value &&
	    !(*value = svc__strdup(spec->default_value)))
		return svc__error(db, SVC_EINTERNAL, "out of memory");
	return SVC_OK;
}

/*
 * Business hours are three keys that only work together: with KEY set to
 * VALUE (NULL: its default), the three must still parse, or calls could
 * not be recorded at all.
 */
static svc_status_t check_hours_together(svc_db_t *db, const char *key, const char *value)
{
	static const char *const names[] = { "hours.open", "hours.close", "hours.days" };
	char *v[3] = { NULL, NULL, NULL }, err[256];
	svc_hours_t h;
	svc_status_t rc = SVC_OK;

	if (strncmp(key, "hours.", 6) != 0)
		return SVC_OK;
	for (int i = 0; i < 3 && rc == SVC_OK; i++) {
		if (strcmp(names[i], key) != 0)
			rc = svc__config_get(db, names[i], &v[i]);
		else if (!(v[i] = svc__strdup(value ? value : find_key(key)->default_value)))
			rc = svc__error(db, SVC_EINTERNAL, "out of memory");
	}
	if (rc == SVC_OK && svc_hours_parse(v[0], v[1], v[2], &h, err, sizeof err) != SVC_OK)
		rc = svc__error(db, SVC_EINVAL,
				"cannot %s %s%s%s: the business hours would not work (%s), and no call could be recorded; hours are %s to %s on %s",
				value ? "set" : "unset", key, value ? " to " : "", value ? value : "", err,
				v[0], v[1], v[2]);
	for (int i = 0; i < 3; i++)
		free(v[i]);
	return rc;
}

svc_status_t svc_config_set(svc_db_t *db, const char *key, const char *value)
{
	const key_spec_t *spec = find_key(key);
	svc_buf_t before = { 0 }, after = { 0 }, object = { 0 };
	char err[256], *old = NULL;
	svc_status_t rc;

	if (!spec)
		return unknown_key(db, key);
	if (value && !spec->check(value, err, sizeof err))
		return svc__error(db, SVC_EINVAL, "cannot set %s to '%s': the value %s",
				  key, value, err);
	if ((rc = svc__write_begin(db, SVC__DO_CONFIG_CHANGE, "change the configuration")) != SVC_OK)
		return rc;
	if ((rc = check_hours_together(db, key, value)) != SVC_OK)
		return svc__finish(db, rc);
	rc = svc__store_config_get(db, key, &old);
	if (rc == SVC_OK && !(old == value || (old && value && strcmp(old, value) == 0))) {
		svc__buf_printf(&object, "config %s", key);
		if (old)
			svc__json_field(&before, "value", old);
		if (value)
			svc__json_field(&after, "value", value);
		rc = svc__store_config_put(db, key, value);
		if (rc == SVC_OK)
			rc = svc__audit(db, value ? "set" : "unset", svc__buf_str(&object),
					old ? svc__buf_str(&before) : NULL,
					value ? svc__buf_str(&after) : NULL);
	}
	free(old);
	svc__buf_free(&before);
	svc__buf_free(&after);
	svc__buf_free(&object);
	return svc__finish(db, rc);
}

svc_status_t svc_config_get(svc_db_t *db, const char *key, char **value)
{
	svc_status_t rc = svc__may(db, SVC__DO_CONFIG_READ, "read the configuration");

	*value = NULL;
	return rc == SVC_OK ? svc__config_get(db, key, value) : rc;
}

svc_status_t svc_config_timezone(svc_db_t *db, char **zone)
{
	return svc__config_get(db, "dealer.timezone", zone);
}

svc_status_t svc_config_list(svc_db_t *db, svc_config_cb cb, void *ctx)
{
	svc_status_t rc = svc__may(db, SVC__DO_CONFIG_READ, "read the configuration");

	for (size_t i = 0; i < sizeof keys / sizeof *keys && rc == SVC_OK; i++) {
		svc_config_entry_t e = { keys[i].key, NULL, keys[i].default_value,
					 false, keys[i].description };
		char *stored = NULL;

		rc = svc__store_config_get(db, keys[i].key, &stored);
		if (rc != SVC_OK)
			break;
		e.is_set = stored != NULL;
		e.value = stored ? stored : keys[i].default_value;
		if (cb(&e, ctx) != 0)
			i = sizeof keys / sizeof *keys;
		free(stored);
	}
	return rc;
}
