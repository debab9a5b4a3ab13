/*
 * snmp.c - servicer-snmp, the SNMP client of meter collection: a program
 * of its own, linked with net-snmp, so that no other command pays for
 * loading it (as servicer-smtp keeps libcurl out of servicer).
 *
 * It reads its work on standard input, a line each, to the end:
 *
 *   timeout MS             how long to wait for a device, both tries
 *   parallel N             devices asked at once
 *   get ID PEER COMMUNITY OID...
 *                          PEER as net-snmp takes it (udp:HOST:PORT,
 *                          udp6:[ADDR]:PORT)
 *   get3 ID PEER USER AUTH PRIV OID...
 *                          SNMPv3, authPriv: SHA with passphrase AUTH, AES
 *                          with passphrase PRIV
 *
 * then asks every device, SNMP v2c first and v1 when v2c gets no answer
 * (many Canon devices answer v1 only) or v3 as asked, N at a time, and
 * writes a line per device as its answer comes:
 *
 *   ID ok VERSION VALUE...  a value per OID, in the order asked: i:N (an
 *                           integer, counter or gauge), s:HEX (a string),
 *                           n (no such object), x (another type)
 *   ID down                 no answer to v2c nor v1 in the time
 *   ID error TEXT           an answer that was an error, or a bad request
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OIDS 8

typedef enum { WAITING, ASKING, RETRY_V1, DONE } state_t;

typedef struct job {
	char id[32], peer[300], community[80];
	char user[80], auth[256], priv[256]; /* v3 */
	int noids;
	oid oids[MAX_OIDS][MAX_OID_LEN];
	size_t oidlen[MAX_OIDS];
	bool missing[MAX_OIDS]; /* v1: noSuchName for it */
	long version;
	netsnmp_session *ss;
	state_t state;
	char line[1024];
} job_t;

static long timeout_ms = 2000;
static int parallel = 16;

/* The answer's values into J's line, in the order asked. */
static void put_values(job_t *j, netsnmp_variable_list *vars)
{
	size_t len = strlen(j->line);

	for (int k = 0; k < j->noids && len < sizeof j->line - 64; k++) {
		netsnmp_variable_list *v = NULL;

		if (!j->missing[k])
			for (v = vars; v && snmp_oid_compare(v->name, v->name_length, j->oids[k],
							     j->oidlen[k]) != 0;
			     v = v->next_variable)
				;
		if (!v || v->type == SNMP_NOSUCHOBJECT || v->type == SNMP_NOSUCHINSTANCE ||
		    v->type == SNMP_ENDOFMIBVIEW) {
			len += (size_t)snprintf(j->line + len, sizeof j->line - len, " n");
		} else if (v->type == ASN_INTEGER) {
			len += (size_t)snprintf(j->line + len, sizeof j->line - len, " i:%ld",
						*v->val.integer);
		} else if (v->type == ASN_COUNTER || v->type == ASN_GAUGE ||
			   v->type == ASN_UINTEGER || v->type == ASN_TIMETICKS) {
			len += (size_t)snprintf(j->line + len, sizeof j->line - len, " i:%lu",
						(unsigned long)*v->val.integer);
		} else if (v->type == ASN_COUNTER64) {
			unsigned long long c = ((unsigned long long)v->val.counter64->high << 32) |
					       v->val.counter64->low;

			len += (size_t)snprintf(j->line + len, sizeof j->line - len, " i:%llu", c);
		} else if (v->type == ASN_OCTET_STR) {
			len += (size_t)snprintf(j->line + len, sizeof j->line - len, " s:");
			for (size_t b = 0; b < v->val_len && b < 64 && len < sizeof j->line - 3; b++)
				len += (size_t)snprintf(j->line + len, sizeof j->line - len, "%02x",
							v->val.string[b]);
		} else {
			len += (size_t)snprintf(j->line + len, sizeof j->line - len, " x");
		}
	}
}

static bool send_get(job_t *j);

static int on_answer(int op, netsnmp_session *s, int reqid, netsnmp_pdu *pdu, void *magic)
{
	job_t *j = magic;

	(void)s, (void)reqid;
	if (op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE) {
		/* v3 is asked once: it has no older version to fall back on. */
		j->state = j->version == SNMP_VERSION_2c ? RETRY_V1 : DONE;
		if (j->state == DONE)
			snprintf(j->line, sizeof j->line, "%s down", j->id);
		return 1;
	}
	if (pdu->errstat == SNMP_ERR_NOSUCHNAME && j->version == SNMP_VERSION_1 &&
	    pdu->errindex > 0) {
		/* v1 names the first object it lacks: ask again without it. */
		long n = 0;

		for (int k = 0; k < j->noids; k++)
			if (!j->missing[k] && ++n == pdu->errindex)
				j->missing[k] = true;
		j->state = RETRY_V1; /* sent again, v1, after this callback */
		return 1;
	}
	if (pdu->command == SNMP_MSG_REPORT)
		snprintf(j->line, sizeof j->line, "%s error the agent refused the SNMPv3 user or"
			 " its passphrases", j->id);
	else if (pdu->errstat != SNMP_ERR_NOERROR)
		snprintf(j->line, sizeof j->line, "%s error %s", j->id,
			 snmp_errstring((int)pdu->errstat));
	else {
		snprintf(j->line, sizeof j->line, "%s ok %s", j->id,
			 j->version == SNMP_VERSION_2c ? "2c" : j->version == SNMP_VERSION_3 ? "3" : "1");
		put_values(j, pdu->variables);
	}
	j->state = DONE;
	return 1;
}

/* authPriv for J's user: SHA and AES keys from its passphrases. */
static bool v3_keys(job_t *j, netsnmp_session *s)
{
	s->securityName = j->user;
	s->securityNameLen = strlen(j->user);
	s->securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
	s->securityAuthProto = usmHMACSHA1AuthProtocol;
	s->securityAuthProtoLen = OID_LENGTH(usmHMACSHA1AuthProtocol);
	s->securityAuthKeyLen = USM_AUTH_KU_LEN;
	s->securityPrivProto = usmAESPrivProtocol;
	s->securityPrivProtoLen = OID_LENGTH(usmAESPrivProtocol);
	s->securityPrivKeyLen = USM_PRIV_KU_LEN;
	return strlen(j->auth) >= 8 && strlen(j->priv) >= 8 &&
	       generate_Ku(s->securityAuthProto, (u_int)s->securityAuthProtoLen,
			   (u_char *)j->auth, strlen(j->auth), s->securityAuthKey,
			   &s->securityAuthKeyLen) == SNMPERR_SUCCESS &&
	       generate_Ku(s->securityAuthProto, (u_int)s->securityAuthProtoLen,
			   (u_char *)j->priv, strlen(j->priv), s->securityPrivKey,
			   &s->securityPrivKeyLen) == SNMPERR_SUCCESS;
}

static bool send_get(job_t *j)
{
	netsnmp_session s;
	netsnmp_pdu *pdu;
	int asked = 0;

	snmp_sess_init(&s);
	s.peername = j->peer;
	s.version = j->version;
	if (j->version == SNMP_VERSION_3 && !v3_keys(j, &s)) {
		snprintf(j->line, sizeof j->line, "%s error the SNMPv3 passphrases are too short"
			 " (8 characters at least)", j->id);
		j->state = DONE;
		return false;
	}
	s.community = (u_char *)j->community;
	s.community_len = strlen(j->community);
	/* Half the time for v2c, half for v1 (all of it for v3); no
	 * retransmission. */
	s.timeout = timeout_ms * 1000 / (j->version == SNMP_VERSION_3 ? 1 : 2);
	s.retries = 0;
	s.callback = on_answer;
	s.callback_magic = j;
	if (!(j->ss = snmp_open(&s))) {
		snprintf(j->line, sizeof j->line, "%s error cannot open a session to %s", j->id,
			 j->peer);
		j->state = DONE;
		return false;
	}
	pdu = snmp_pdu_create(SNMP_MSG_GET);
	for (int k = 0; k < j->noids; k++)
		if (!j->missing[k]) {
			snmp_add_null_var(pdu, j->oids[k], j->oidlen[k]);
			asked++;
		}
	if (asked == 0) {
		snmp_free_pdu(pdu);
		snprintf(j->line, sizeof j->line, "%s ok 1", j->id);
		put_values(j, NULL);
		j->state = DONE;
		return true;
	}
	if (!snmp_send(j->ss, pdu)) {
		snmp_free_pdu(pdu);
		snprintf(j->line, sizeof j->line, "%s error cannot send to %s", j->id, j->peer);
		j->state = DONE;
		return false;
	}
	j->state = ASKING;
	return true;
}

/* "get ID PEER COMMUNITY OID..." or "get3 ID PEER USER AUTH PRIV OID..."
 * into J; false for a bad line. */
static bool parse_get(char *line, job_t *j)
{
	char *save = NULL, *w;
	int field = 0, v3 = strncmp(line, "get3 ", 5) == 0;

	memset(j, 0, sizeof *j);
	for (w = strtok_r(line, " \n", &save); w; w = strtok_r(NULL, " \n", &save), field++) {
		if (field == 0)
			continue;
		if (field == 1)
			snprintf(j->id, sizeof j->id, "%s", w);
		else if (field == 2)
			snprintf(j->peer, sizeof j->peer, "%s", w);
		else if (field == 3)
			snprintf(v3 ? j->user : j->community, sizeof j->user, "%s", w);
		else if (v3 && field == 4)
			snprintf(j->auth, sizeof j->auth, "%s", w);
		else if (v3 && field == 5)
			snprintf(j->priv, sizeof j->priv, "%s", w);
		else if (j->noids < MAX_OIDS) {
			j->oidlen[j->noids] = MAX_OID_LEN;
			if (!read_objid(w, j->oids[j->noids], &j->oidlen[j->noids]))
				return false;
			j->noids++;
		}
	}
	j->version = v3 ? SNMP_VERSION_3 : SNMP_VERSION_2c;
	return field >= (v3 ? 7 : 5);
}

/* Close what is finished, start v1 where v2c got nothing, start waiting
 * jobs while fewer than PARALLEL ask; the count of jobs still asking. */
static int step(job_t *jobs, int n)
{
	int asking = 0;

	for (int i = 0; i < n; i++) {
		job_t *j = &jobs[i];

		if (j->state == RETRY_V1) {
			snmp_close(j->ss);
			j->ss = NULL;
			j->version = SNMP_VERSION_1;
			send_get(j);
		}
		if (j->state == DONE && j->line[0]) {
			if (j->ss)
				snmp_close(j->ss);
			j->ss = NULL;
			printf("%s\n", j->line);
			fflush(stdout);
			j->line[0] = '\0';
		}
		asking += j->state == ASKING;
	}
	for (int i = 0; i < n && asking < parallel; i++)
		if (jobs[i].state == WAITING && send_get(&jobs[i]))
			asking += jobs[i].state == ASKING;
	return asking;
}

int main(void)
{
	job_t *jobs = NULL;
	int n = 0, cap = 0;
	char *line = NULL;
	size_t len = 0;

	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_OID_OUTPUT_FORMAT,
			   NETSNMP_OID_OUTPUT_NUMERIC);
	setenv("MIBS", "", 1);
	init_snmp("servicer-snmp");
	while (getline(&line, &len, stdin) > 0) {
		if (strncmp(line, "timeout ", 8) == 0)
			timeout_ms = atol(line + 8) > 0 ? atol(line + 8) : timeout_ms;
		else if (strncmp(line, "parallel ", 9) == 0)
			parallel = atoi(line + 9) > 0 ? atoi(line + 9) : parallel;
		else if (strncmp(line, "get ", 4) == 0 || strncmp(line, "get3 ", 5) == 0) {
			if (n == cap && !(jobs = realloc(jobs, (size_t)(cap = cap ? cap * 2 : 64) *
							      sizeof *jobs)))
				return 70;
			if (!parse_get(line, &jobs[n])) {
				printf("%s error a bad request\n", jobs[n].id[0] ? jobs[n].id : "?");
				continue;
			}
			n++;
		}
	}
	free(line);
	while (step(jobs, n) > 0) {
		int fds = 0, block = 1;
		fd_set fdset;
		struct timeval tv;

		FD_ZERO(&fdset);
		snmp_select_info(&fds, &fdset, &tv, &block);
		if (select(fds, &fdset, NULL, NULL, block ? NULL : &tv) > 0)
			snmp_read(&fdset);
		else
			snmp_timeout();
	}
	free(jobs);
	snmp_shutdown("servicer-snmp");
	return 0;
}
