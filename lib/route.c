/*
 * route.c - who serves a unit and on what terms, as CITS routes its calls.
 *
 * Seed 000: "If your customer contacts Canon Information Technology Systems
 * (CITS) during the warranty period, your dealership will be dispatched to
 * the call. ... If your customer contacts CITS on a post-warranty call, the
 * customer will be referred to your dealership.  A national independent
 * service company will manage all unregistered units."  Seeds 001-003:
 * dispatch by CITS "is available to ASCR Registered Customers where the
 * Warranty Marketing Program option has not been selected."
 */
#include <string.h>

#include "servicer-private.h"

static void route_unregistered(svc_route_t *r)
{
	r->route = "national-isc";
	snprintf(r->reason, sizeof r->reason,
		 "%s is not registered with this dealer, so CITS sends its calls to the national independent service company; labor on it is not compensable",
		 r->serial);
}

static void route_pending(svc_route_t *r)
{
	r->route = "national-isc";
	snprintf(r->reason, sizeof r->reason,
		 "the registration of %s is pending: it is recorded here but not yet entered in Canon's ASCR system, so CITS still sends its calls to the national independent service company; enter it under \"New ASCR\", then run 'servicer ascr-register --confirm %s'",
		 r->serial, r->serial);
}

static void route_withdrawn(svc_route_t *r, const char *when, const char *why)
{
	r->route = "national-isc";
	snprintf(r->reason, sizeof r->reason,
		 "the registration of %s was withdrawn on %.10s (%s), so CITS sends its calls to the national independent service company",
		 r->serial, when ? when : "?", why ? why : "no reason");
}

/* An active registration: warranty and support model decide. */
static void route_active(svc_route_t *r)
{
	if (r->in_warranty == 0) {
		r->route = "dealer-referral";
		snprintf(r->reason, sizeof r->reason,
			 "the warranty of %s ended on %s: CITS refers the customer to this dealer; the work is billable to the customer, not compensable",
			 r->serial, r->warranty_end);
	} else if (strcmp(r->support, "wmp") == 0) {
		r->route = "dealer-wmp";
		snprintf(r->reason, sizeof r->reason,
			 "%s is registered under the Warranty Marketing Program: CITS does not dispatch it; the dealer serves the customer directly, not compensable by CITS",
			 r->serial);
	} else if (r->in_warranty == 1) {
		r->route = "dealer-dispatch";
		r->compensable = true;
		snprintf(r->reason, sizeof r->reason,
			 "%s is registered and active with this dealer and in warranty until %s: CITS dispatches this dealer; labor is compensable once the call is closed out",
			 r->serial, r->warranty_end);
	} else {
		r->route = "dealer-dispatch";
		r->compensable = true;
		snprintf(r->reason, sizeof r->reason,
			 "%s is registered and active with this dealer; its warranty end is not recorded, so CITS decides whether it is in warranty; record it with 'servicer ascr-register \"%s\" %s --warranty-end DATE'",
			 r->serial, r->model, r->serial);
	}
}

static const char *static_status(const char *s)
{
	static const char *const names[] = { "pending", "active", "withdrawn", "dispatch", "wmp" };

	for (size_t i = 0; s && i < sizeof names / sizeof *names; i++)
		if (strcmp(s, names[i]) == 0)
			return names[i];
	return NULL;
}

svc_status_t svc__route_on_day(svc_db_t *db, const char *serial, int64_t day,
			       svc_route_t *r)
{
	svc__device_row_t row;
	char err[160];
	svc_status_t rc;

	memset(r, 0, sizeof *r);
	r->in_warranty = -1;
	if (svc_serial_normalize(serial, r->serial, err, sizeof err) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot route: %s", err);
	if ((rc = svc__store_device_get(db, r->serial, &row)) != SVC_OK) {
		svc__store_device_done(&row);
		return rc;
	}
	if (!row.found) {
		route_unregistered(r);
	} else {
		const char *end = row.d.warranty_end;
		int64_t end_day;

		snprintf(r->model, sizeof r->model, "%s", row.d.model);
		r->registration = static_status(row.d.status);
		r->support = static_status(row.d.support);
		if (end && svc_date_parse(end, &end_day) == SVC_OK) {
			snprintf(r->warranty_end, sizeof r->warranty_end, "%s", end);
			r->in_warranty = day <= end_day;
		}
		if (!r->registration || strcmp(r->registration, "pending") == 0)
			route_pending(r);
		else if (strcmp(r->registration, "withdrawn") == 0)
			route_withdrawn(r, row.d.withdrawn_at, row.d.withdraw_reason);
		else
			route_active(r);
	}
	svc__store_device_done(&row);
	return rc;
}

svc_status_t svc_dispatch_route(svc_db_t *db, const char *serial, const char *on,
				svc_route_t *r)
{
	int64_t day = svc_date_today();
	svc_status_t rc;

	if (on && svc_date_parse(on, &day) != SVC_OK)
		return svc__error(db, SVC_EINVAL, "cannot route: '%s' is not a date YYYY-MM-DD", on);
	if ((rc = svc__may(db, SVC__DO_CALL, "route a unit")) != SVC_OK ||
	    (rc = svc__route_on_day(db, serial, day, r)) != SVC_OK)
		return rc;
	return svc__may_on(db, SVC__DO_CALL, "route a unit", r->serial, NULL);
}
