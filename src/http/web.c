/* web.c - static files of the web UI, held in memory. */
#include "http/web.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"

#define MAX_FILE (2 * 1024 * 1024)
#define MAX_FILES 500
#define MAX_DEPTH 3

static const char *type_of(const char *path)
{
    static const char *const map[][2] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
        {".png", "image/png"},                 {".ico", "image/x-icon"},
        {".json", "application/json"},         {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(path, '.');

    for (size_t i = 0; dot && i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(dot, map[i][0]) == 0)
            return map[i][1];
    return "application/octet-stream";
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct ah_buf b;
    char chunk[8192];
    size_t n;

    if (!f)
        return NULL;
    ah_buf_init(&b, MAX_FILE);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (ah_buf_append(&b, chunk, n, NULL)) {
            ah_buf_release(&b);
            fclose(f);
            return NULL;
        }
    fclose(f);
    return ah_buf_take(&b, len);
}

static void load_dir(struct ah_web *w, const char *dir, const char *prefix, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d)) && w->n < MAX_FILES) {
        char full[4096], url[4096];
        struct stat st;

        if (e->d_name[0] == '.')
            continue; /* hidden files and . and .. */
        snprintf(full, sizeof(full), "%s/%s", dir, e->d_name);
        snprintf(url, sizeof(url), "%s/%s", prefix, e->d_name);
        if (stat(full, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
            load_dir(w, full, url, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            struct ah_web_file f = {0};

            f.data = read_file(full, &f.len);
            if (!f.data) {
                ah_log(AH_LOG_WARN, "web.skip", "file=%s reason=unreadable_or_too_large", url);
                continue;
            }
            f.path = ah_xstrdup(url);
            f.type = type_of(url);
            w->files = ah_xrealloc(w->files, sizeof(*w->files) * (w->n + 1));
            w->files[w->n++] = f;
        }
    }
    closedir(d);
}

enum ah_err ah_web_load(struct ah_web *w, const char *dir, struct ah_error *err)
{
    (void)err;
    w->files = NULL;
    w->n = 0;
    load_dir(w, dir, "", 0);
    if (!ah_web_find(w, AH_STR_LIT("/")))
        ah_log(AH_LOG_WARN, "web.missing", "dir=%s reason=no_index_html", dir);
    return AH_OK;
}

void ah_web_release(struct ah_web *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->files[i].path);
        free(w->files[i].data);
    }
    free(w->files);
    w->files = NULL;
    w->n = 0;
}

const struct ah_web_file *ah_web_find(const struct ah_web *w, struct ah_str path)
{
    if (ah_str_eq_c(path, "/"))
        path = AH_STR_LIT("/index.html");
    for (size_t i = 0; i < w->n; i++)
        if (ah_str_eq_c(path, w->files[i].path))
            return &w->files[i];
    return NULL;
}
