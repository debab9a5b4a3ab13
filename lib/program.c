/*
 * program.c - where the running program's companions are installed.
 *
 * A helper (the mail transport, later a storage module) lives beside the
 * program in a build tree, and at a fixed place relative to it under any
 * install prefix, as git finds its helpers under a runtime prefix.  Paths
 * are never compiled in, so a build directory and `cmake --install
 * --prefix ANY` both work.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "servicer-private.h"

/* The directory of the running program, without a trailing slash. */
static bool program_dir(char out[PATH_MAX])
{
	ssize_t n = readlink("/proc/self/exe", out, PATH_MAX - 1);
	char *slash;

	if (n <= 0)
		return false;
	out[n] = '\0';
	if (!(slash = strrchr(out, '/')))
		return false;
	*slash = '\0';
	return true;
}

char *svc__companion(const char *name, const char *reldir, int mode)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];

	if (!program_dir(dir))
		return NULL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (access(path, mode) == 0)
		return svc__strdup(path);
	snprintf(path, sizeof path, "%s/%s/%s", dir, reldir, name);
	if (access(path, mode) == 0)
		return svc__strdup(path);
	return NULL;
}
