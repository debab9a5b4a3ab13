/*
 * collect_config.c - what meter collection needs to know, and its rules:
 * where a unit answers SNMP (its address and community) and which page
 * counters a model keeps (Canon's counter numbers, else Printer-MIB's).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

#define COMMUNITY_MAX 64

/* A host name: labels of letters, digits and '-', none starting or ending
 * with '-', joined by dots; 253 characters at most. */
static bool host_name(const char *s, size_t n)
{
	size_t label = 0;

	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
		} else if (isalnum((unsigned char)s[i]) || (s[i] == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label > 0 && s[n - 1] != '-';
}

/* PORT ("" for none) as 1..65535, or false. */
static bool port_ok(const char *port)
{
	char *end;
	long v;

	if (!*port)
		return true;
	if (!isdigit((unsigned char)*port))
		return false;
	v = strtol(port, &end, 10);
	return !*end && v >= 1 && v <= 65535 && end - port <= 5;
}

svc_status_t svc__snmp_address(const char *in, char *out, size_t len)
{
	char host[300], buf[sizeof(struct in6_addr)];
	const char *port = "";
	size_t n;

	if (!in || strlen(in) >= sizeof host)
		return SVC_EINVAL;
	if (*in == '[') {
		const char *close = strchr(in, ']');

		if (!close || (close[1] && close[1] != ':'))
			return SVC_EINVAL;
		n = (size_t)(close - in - 1);
		memcpy(host, in + 1, n);
		host[n] = '\0';
		port = close[1] ? close + 2 : "";
		if (inet_pton(AF_INET6, host, buf) != 1 || (close[1] && !*port) || !port_ok(port))
			return SVC_EINVAL;
		snprintf(out, len, "[%s]%s%s", host, *port ? ":" : "", port);
		return SVC_OK;
	}
	n = strcspn(in, ":");
	memcpy(host, in, n);
	host[n] = '\0';
	if (in[n] == ':' && !*(port = in + n + 1))
		return SVC_EINVAL;
	if (!port_ok(port) || !(inet_pton(AF_INET, host, buf) == 1 ||
				(host_name(host, n) && strspn(host, "0123456789.") != n)))
		return SVC_EINVAL;
	for (char *p = host; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	snprintf(out, len, "%s%s%s", host, *port ? ":" : "", port);
	return SVC_OK;
}

static bool community_ok(const char *c)
{
	size_t n = strlen(c);

	if (n == 0 || n > COMMUNITY_MAX)
		return false;
	for (; *c; c++)
		if (*c <= ' ' || *c > '~')
			return false;
	return true;
}

svc_status_t svc_device_set_address(svc_db_t *db, const char *serial_in, const char *address,
				    const char *community)
{
	char serial[SVC_SERIAL_MAX + 1], addr[300], doing[160], err[200];
	svc_buf_t object = { 0 }, before = { 0 }, after = { 0 };
	svc__device_row_t old;
	svc_status_t rc;

	if (svc_serial_normalize(serial_in ? serial_in : "", serial, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot set the address: %s", err);
	snprintf(doing, sizeof doing, "set the address of %s", serial);
	if (address && svc__snmp_address(address, addr, sizeof addr) != SVC_OK)
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: '%s' is not an address: give HOST[:PORT], HOST a name,"
				  " an IPv4 address or an IPv6 address in brackets, PORT 1 to 65535",
				  doing, address);
	if (community && !address)
		return svc__error(db, SVC_EINVAL, "cannot %s: a community goes with an address",
				  doing);
	if (community && !community_ok(community))
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: the community must be 1 to %d printable characters without"
				  " spaces", doing, COMMUNITY_MAX);
	if ((rc = svc__write_begin(db, SVC__DO_DEVICE_LOCATE, doing)) != SVC_OK)
		return rc;
	if ((rc = svc__store_device_get(db, serial, &old)) == SVC_OK && !old.found)
		rc = svc__error(db, SVC_ENOTFOUND, "cannot %s: serial %s is not registered", doing,
				serial);
	if (rc == SVC_OK)
		rc = svc__may_on(db, SVC__DO_DEVICE_LOCATE, doing, serial, old.d.assigned_to);
	if (rc == SVC_OK && !(svc__same(old.d.snmp_address, address ? addr : NULL) &&
			      svc__same(old.d.snmp_community, community))) {
		svc__buf_printf(&object, "device %s", serial);
		svc__json_field(&before, "snmp_address", old.d.snmp_address);
		svc__json_field(&before, "snmp_community", old.d.snmp_community);
		svc__json_field(&after, "snmp_address", address ? addr : NULL);
		svc__json_field(&after, "snmp_community", community);
		rc = svc__store_device_set_address(db, serial, address ? addr : NULL, community);
		if (rc == SVC_OK)
			rc = svc__audit_on(db, "address", svc__buf_str(&object), serial,
					   svc__buf_str(&before), svc__buf_str(&after));
	}
	svc__store_device_done(&old);
	svc__buf_free(&object);
	svc__buf_free(&before);
	svc__buf_free(&after);
	return svc__finish(db, rc);
}

svc_status_t svc__counters_parse(const char *in, long out[SVC__NCOUNTERS], char *norm, size_t len)
{
	char *copy, *save = NULL, *item;
	bool ok = true;

	for (int c = 0; c < SVC__NCOUNTERS; c++)
		out[c] = 0;
	if (!in || !(copy = svc__strdup(in)))
		return SVC_EINVAL;
	for (item = strtok_r(copy, ",", &save); item && ok; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), *end;
		int c;

		ok = eq && eq[1] && isdigit((unsigned char)eq[1]);
		if (!ok)
			break;
		*eq = '\0';
		for (c = 0; c < SVC__NCOUNTERS && strcmp(item, svc__meter_counters[c]) != 0; c++)
			;
		long v = strtol(eq + 1, &end, 10);
		ok = c < SVC__NCOUNTERS && !out[c] && !*end && v >= 1 && v <= 99999;
		if (ok)
			out[c] = v;
	}
	free(copy);
	if (!ok || (!out[0] && !out[1] && !out[2]) || *in == ',' || strstr(in, ",,") ||
	    in[strlen(in) - 1] == ',')
		return SVC_EINVAL;
	norm[0] = '\0';
	for (int c = 0; c < SVC__NCOUNTERS; c++)
		if (out[c])
			snprintf(norm + strlen(norm), len - strlen(norm), "%s%s=%ld",
				 norm[0] ? "," : "", svc__meter_counters[c], out[c]);
	return SVC_OK;
}

svc_status_t svc_model_set_counters(svc_db_t *db, const char *model, const char *counters)
{
	char norm[64], doing[SVC_MODEL_MAX * 4 + 64];
	svc_buf_t object = { 0 }, before = { 0 }, after = { 0 };
	bool standard = svc__blank(counters) || strcmp(counters, "default") == 0;
	long v[SVC__NCOUNTERS];
	svc__model_row_t m;
	svc_status_t rc;

	snprintf(doing, sizeof doing, "set the counters of model '%s'", model ? model : "");
	if (!standard && svc__counters_parse(counters, v, norm, sizeof norm) != SVC_OK)
		return svc__error(db, SVC_EINVAL,
				  "cannot %s: '%s' is not a list of counters: give NAME=NUMBER,"
				  " NAME one of total, bw, color, each once, NUMBER Canon's counter"
				  " number (1 to 99999), e.g. total=101,bw=108,color=122, or 'default'",
				  doing, counters);
	if ((rc = svc__write_begin(db, SVC__DO_CATALOGUE_CHANGE, doing)) != SVC_OK)
		return rc;
	if ((rc = svc__store_model_get(db, model ? model : "", &m)) == SVC_OK && !m.found)
		rc = svc__error(db, SVC_ENOTFOUND,
				"cannot %s: it is not in the catalogue; see 'servicer model list'", doing);
	if (rc == SVC_OK && !svc__same(m.counters[0] ? m.counters : NULL, standard ? NULL : norm)) {
		svc__buf_printf(&object, "model %s", m.name);
		svc__json_field(&before, "counters", m.counters[0] ? m.counters : NULL);
		svc__json_field(&after, "counters", standard ? NULL : norm);
		rc = svc__store_model_counters(db, m.name, standard ? NULL : norm);
		if (rc == SVC_OK)
			rc = svc__audit(db, "set", svc__buf_str(&object), svc__buf_str(&before),
					svc__buf_str(&after));
	}
	svc__buf_free(&object);
	svc__buf_free(&before);
	svc__buf_free(&after);
	return svc__finish(db, rc);
}
