/* web.h - the web UI's files, read from a directory once at start and served
 * from memory. Only files found then exist: a path cannot reach outside. */
#ifndef AH_HTTP_WEB_H
#define AH_HTTP_WEB_H

#include <stddef.h>

#include "core/err.h"
#include "core/str.h"

struct ah_web_file {
    char *path; /* "/app.js" */
    char *data;
    size_t len;
    const char *type;
};

struct ah_web {
    struct ah_web_file *files;
    size_t n;
};

/* Loads every regular file under dir (three levels deep, 2 MB each at most).
 * A missing dir gives an empty set and a warning, not an error. */
enum ah_err ah_web_load(struct ah_web *w, const char *dir, struct ah_error *err);
void ah_web_release(struct ah_web *w);
/* The file for a URL path ("/" is "/index.html"), or NULL. */
const struct ah_web_file *ah_web_find(const struct ah_web *w, struct ah_str path);

#endif
