/* catalogue.c - the models this dealer can service. */
#include <stdlib.h>
#include <string.h>

#include "servicer-private.h"

static svc_status_t check_model_name(svc_db_t *db, const char *model)
{
	char err[128];

	if (svc__blank(model))
		return svc__error(db, SVC_EINVAL, "model name is empty");
	if (!svc__text_ok(model, SVC_MODEL_MAX, err, sizeof err))
		return svc__error(db, SVC_EINVAL, "model name '%s' %s", model, err);
	if (model[0] == ' ' || model[strlen(model) - 1] == ' ')
		return svc__error(db, SVC_EINVAL,
				  "model name '%s' starts or ends with a space", model);
	return SVC_OK;
}

static void model_json(svc_buf_t *b, const char *model, int warranty, int response)
{
	svc__json_field(b, "model", model);
	svc__json_int(b, "warranty_months", warranty);
	if (response > 0)
		svc__json_int(b, "response_hours", response);
	else
		svc__json_field(b, "response_hours", NULL);
}

static svc_status_t check_terms(svc_db_t *db, const char *model, int warranty,
				int response)
{
	if (warranty > 240)
		return svc__error(db, SVC_EINVAL,
				  "cannot add model '%s': warranty months %d is out of range 0-240",
				  model, warranty);
	if (response == 0 || response > 720)
		return svc__error(db, SVC_EINVAL,
				  "cannot add model '%s': response hours %d is out of range 1-720",
				  model, response);
	return SVC_OK;
}

svc_status_t svc_model_add(svc_db_t *db, const char *model, int warranty_months,
			   int response_hours, svc_change_t *change)
{
	svc_buf_t before = { 0 }, after = { 0 }, object = { 0 };
	svc__model_row_t m;
	char now[21];
	bool found;
	int w, r;
	svc_status_t rc;

	if (change)
		*change = SVC_CHANGE_NONE;
	if ((rc = check_model_name(db, model)) != SVC_OK ||
	    (rc = check_terms(db, model, warranty_months, response_hours)) != SVC_OK ||
	    (rc = svc__write_begin(db, SVC__DO_CATALOGUE_CHANGE, "change the catalogue")) != SVC_OK)
		return rc;
	if ((rc = svc__store_model_get(db, model, &m)) != SVC_OK)
		return svc__finish(db, rc);
	if (!(found = m.found))
		snprintf(m.name, sizeof m.name, "%s", model);
	w = warranty_months >= 0 ? warranty_months
		: found ? m.warranty_months : SVC_DEFAULT_WARRANTY_MONTHS;
	r = response_hours >= 0 ? response_hours : found ? m.response_hours : 0;
	if (found && w == m.warranty_months && r == m.response_hours)
		return svc__finish(db, SVC_OK);
	svc__buf_printf(&object, "model %s", m.name);
	if (found)
		model_json(&before, m.name, m.warranty_months, m.response_hours);
	model_json(&after, m.name, w, r);
	svc__now(now);
	rc = svc__store_model_put(db, found, m.name, w, r, now);
	if (rc == SVC_OK)
		rc = svc__audit(db, found ? "update" : "add", svc__buf_str(&object),
				found ? svc__buf_str(&before) : NULL, svc__buf_str(&after));
	if (rc == SVC_OK && change)
		*change = found ? SVC_CHANGE_UPDATED : SVC_CHANGE_NEW;
	svc__buf_free(&before);
	svc__buf_free(&after);
	svc__buf_free(&object);
	return svc__finish(db, rc);
}

svc_status_t svc_model_remove(svc_db_t *db, const char *model)
{
	svc_buf_t before = { 0 }, object = { 0 };
	svc__model_row_t m;
	long long n = 0;
	svc_status_t rc;

	if ((rc = check_model_name(db, model)) != SVC_OK ||
	    (rc = svc__write_begin(db, SVC__DO_CATALOGUE_CHANGE, "change the catalogue")) != SVC_OK)
		return rc;
	if ((rc = svc__store_model_get(db, model, &m)) != SVC_OK)
		goto out;
	if (!m.found) {
		rc = svc__error(db, SVC_ENOTFOUND,
				"cannot remove model '%s': it is not in the catalogue; see 'servicer model list'",
				model);
		goto out;
	}
	if ((rc = svc__store_model_devices(db, m.name, &n)) != SVC_OK)
		goto out;
	if (n > 0) {
		rc = svc__error(db, SVC_ERULE,
				"cannot remove model '%s': %lld device%s registered under it",
				m.name, n, n == 1 ? " is" : "s are");
		goto out;
	}
	rc = svc__store_model_remove(db, m.name);
	svc__buf_printf(&object, "model %s", m.name);
	model_json(&before, m.name, m.warranty_months, m.response_hours);
	if (rc == SVC_OK)
		rc = svc__audit(db, "remove", svc__buf_str(&object), svc__buf_str(&before), NULL);
out:
	svc__buf_free(&before);
	svc__buf_free(&object);
	return svc__finish(db, rc);
}

svc_status_t svc_model_list(svc_db_t *db, svc_model_cb cb, void *ctx)
{
	svc_status_t rc = svc__may(db, SVC__DO_CATALOGUE_READ, "list the catalogue");

	return rc == SVC_OK ? svc__store_model_list(db, cb, ctx) : rc;
}
