/* main.c - the allhands command line: serve, init, migrate, backup, restore,
 * copy, demo, user, routes. Builds the one server context from flags, then environment
 * variables, then defaults (flags win). */
#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/httpc.h"
#include "core/log.h"
#include "core/tz.h"
#include "core/time.h"
#include "domain/access.h"
#include "domain/demo.h"
#include "domain/groups.h"
#include "domain/mail.h"
#include "domain/ops.h"
#include "domain/people.h"
#include "domain/program.h"
#include "domain/report.h"
#include "domain/rules.h"
#include "http/server.h"
#include "store/copy.h"

#ifndef AH_WEB_DIR
#define AH_WEB_DIR "web"
#endif
#define DEFAULT_DB "data/allhands.db"
#define DEFAULT_LISTEN "127.0.0.1:8080"

/* the one mutable global: the configuration the command line built */
static struct {
    const char *db;
    const char *listen;
    const char *web;
    const char *trusted_proxy;
    int64_t threads;
    struct ah_settings settings;
    struct ah_mail_settings mail;
} app;

/* Exit codes: 75 (EX_TEMPFAIL) to retry later, 2 for a command that cannot
 * work as given (usage, or a database that needs another tool), 1 otherwise. */
static int fail(const char *what, const struct ah_error *err)
{
    fprintf(stderr, "allhands: %s: %s\n", what, err->msg);
    if (err->code == AH_E_UNAVAILABLE)
        return 75;
    return err->code == AH_E_BAD_REQUEST ? 2 : 1;
}

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);

    return v && *v ? v : dflt;
}

static bool env_int(const char *name, int64_t min, int64_t max, int64_t *out)
{
    const char *v = getenv(name);
    struct ah_error err;

    if (!v || !*v)
        return true;
    if (ah_parse_i64(ah_str_c(v), min, max, out, &err)) {
        fprintf(stderr, "allhands: %s: %s\n", name, err.msg);
        return false;
    }
    return true;
}

static bool env_flag(const char *name, bool dflt)
{
    const char *v = getenv(name);

    if (!v || !*v)
        return dflt;
    return strcmp(v, "0") != 0 && strcasecmp(v, "no") != 0 && strcasecmp(v, "false") != 0;
}

/* Where attachments go by default: beside a database file, else data/. */
static const char *attach_dir_for(const char *db)
{
    static char dir[4096];
    const char *slash = strrchr(db, '/');

    if (strstr(db, "://") || !slash)
        return strstr(db, "://") ? "data/attachments" : "attachments";
    snprintf(dir, sizeof(dir), "%.*s/attachments", (int)(slash - db), db);
    return dir;
}

/* The mail settings: ALLHANDS_MAIL_* for what mail is, ALLHANDS_SMTP_* and
 * ALLHANDS_IMAP_* for the servers. */
static bool mail_from_env(void)
{
    struct ah_mail_settings *m = &app.mail;
    int64_t max = 0, part = 0, poll = -1;

    ah_mail_settings_default(m);
    m->address = env_or("ALLHANDS_MAIL_ADDRESS", NULL);
    m->name = env_or("ALLHANDS_MAIL_NAME", "Support");
    m->plus_address = env_flag("ALLHANDS_MAIL_PLUS", false);
    m->ack = env_flag("ALLHANDS_MAIL_ACK", false);
    m->attach_dir = env_or("ALLHANDS_ATTACHMENTS", NULL);
    m->smtp.url = env_or("ALLHANDS_SMTP_URL", NULL);
    m->smtp.user = env_or("ALLHANDS_SMTP_USER", NULL);
    m->smtp.password = env_or("ALLHANDS_SMTP_PASSWORD", NULL);
    m->smtp.tls = env_flag("ALLHANDS_SMTP_TLS", true);
    m->smtp.ca_file = env_or("ALLHANDS_MAIL_CA_FILE", NULL);
    m->imap.url = env_or("ALLHANDS_IMAP_URL", NULL);
    m->imap.user = env_or("ALLHANDS_IMAP_USER", NULL);
    m->imap.password = env_or("ALLHANDS_IMAP_PASSWORD", NULL);
    m->imap.tls = env_flag("ALLHANDS_IMAP_TLS", true);
    m->imap.ca_file = m->smtp.ca_file;
    m->escalation_address = env_or("ALLHANDS_ESCALATION_ADDRESS", NULL);
    if (!env_int("ALLHANDS_MAIL_MAX_BYTES", 1024, 1024LL * 1024 * 1024, &max) ||
        !env_int("ALLHANDS_MAIL_MAX_ATTACHMENT_BYTES", 1024, 1024LL * 1024 * 1024, &part) ||
        !env_int("ALLHANDS_MAIL_SENDER_PER_HOUR", 0, 1000000, &m->sender_per_hour) ||
        !env_int("ALLHANDS_MAIL_TICKETS_PER_HOUR", 0, 1000000, &m->tickets_per_hour) ||
        !env_int("ALLHANDS_MAIL_POLL_SECONDS", 0, 86400, &poll))
        return false;
    if (max)
        m->limits.max_message = (size_t)max;
    if (part)
        m->limits.max_part = (size_t)part;
    m->poll_ms = m->imap.url ? (poll < 0 ? 60 : poll) * 1000 : 0;
    if (m->address) {
        struct ah_error err;

        if (ah_people_check_email(ah_str_c(m->address), &err)) {
            fprintf(stderr, "allhands: ALLHANDS_MAIL_ADDRESS: %s\n", err.msg);
            return false;
        }
    }
    if (m->escalation_address) {
        struct ah_error err;

        if (ah_people_check_email(ah_str_c(m->escalation_address), &err)) {
            fprintf(stderr, "allhands: ALLHANDS_ESCALATION_ADDRESS: %s\n", err.msg);
            return false;
        }
    }
    return true;
}

static bool config_from_env(void)
{
    int64_t lease = 900;
    enum ah_log_level level;
    const char *lv = getenv("ALLHANDS_LOG_LEVEL");

    app.db = env_or("ALLHANDS_DB", DEFAULT_DB);
    app.listen = env_or("ALLHANDS_LISTEN", DEFAULT_LISTEN);
    app.web = env_or("ALLHANDS_WEB", AH_WEB_DIR);
    app.trusted_proxy = env_or("ALLHANDS_TRUSTED_PROXY", NULL);
    app.threads = 4;
    ah_settings_default(&app.settings);
    if (lv && ah_log_parse_level(lv, &level))
        ah_log_set_level(level);
    if (!env_int("ALLHANDS_THREADS", 1, 64, &app.threads) ||
        !env_int("ALLHANDS_LEASE_SECONDS", 1, 86400, &lease))
        return false;
    app.settings.lease_ms = lease * 1000;
    app.settings.mail = &app.mail;
    if (getenv("ALLHANDS_GROUP_THRESHOLD") && *getenv("ALLHANDS_GROUP_THRESHOLD")) {
        char *end;
        double t = strtod(getenv("ALLHANDS_GROUP_THRESHOLD"), &end);

        if (*end || !(t > 0 && t < 1)) {
            fprintf(stderr, "allhands: ALLHANDS_GROUP_THRESHOLD: a similarity between 0 and 1, "
                            "like 0.3\n");
            return false;
        }
        app.settings.group_threshold = t;
    }
    return mail_from_env();
}

/* ---- options shared by every command ---- */

enum { OPT_DB = 1000, OPT_LISTEN, OPT_THREADS, OPT_WEB, OPT_PROXY, OPT_EMAIL, OPT_NAME, OPT_ROLE,
       OPT_DEPT, OPT_LEADER, OPT_PWSTDIN, OPT_PEOPLE, OPT_TICKETS, OPT_MESSAGES, OPT_SEED,
       OPT_TO, OPT_FROM, OPT_FORCE, OPT_TEST_CLOCK, OPT_WEEK, OPT_WEEKS, OPT_LEVEL,
       OPT_DEFAULT_TIER, OPT_MAX, OPT_BATCH };

static const struct option long_opts[] = {
    {"db", required_argument, NULL, OPT_DB},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"web", required_argument, NULL, OPT_WEB},
    {"trusted-proxy", required_argument, NULL, OPT_PROXY},
    {"email", required_argument, NULL, OPT_EMAIL},
    {"name", required_argument, NULL, OPT_NAME},
    {"role", required_argument, NULL, OPT_ROLE},
    {"department", required_argument, NULL, OPT_DEPT},
    {"leader", no_argument, NULL, OPT_LEADER},
    {"password-stdin", no_argument, NULL, OPT_PWSTDIN},
    {"people", required_argument, NULL, OPT_PEOPLE},
    {"tickets", required_argument, NULL, OPT_TICKETS},
    {"messages", required_argument, NULL, OPT_MESSAGES},
    {"seed", required_argument, NULL, OPT_SEED},
    {"to", required_argument, NULL, OPT_TO},
    {"from", required_argument, NULL, OPT_FROM},
    {"force", no_argument, NULL, OPT_FORCE},
    {"test-clock", no_argument, NULL, OPT_TEST_CLOCK},
    {"week", required_argument, NULL, OPT_WEEK},
    {"weeks", required_argument, NULL, OPT_WEEKS},
    {"level", required_argument, NULL, OPT_LEVEL},
    {"default-tier", required_argument, NULL, OPT_DEFAULT_TIER},
    {"max", required_argument, NULL, OPT_MAX},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct opts {
    const char *email, *name, *role, *department, *to, *from, *week, *level;
    bool leader, password_stdin, force, help, test_clock;
    int64_t people, tickets, messages, seed, weeks, default_tier, max, batch;
};

static bool num(const char *flag, const char *v, int64_t min, int64_t max, int64_t *out)
{
    struct ah_error err;

    if (ah_parse_i64(ah_str_c(v), min, max, out, &err)) {
        fprintf(stderr, "allhands: --%s: %s\n", flag, err.msg);
        return false;
    }
    return true;
}

/* Parses argv into app (shared flags) and o; false on a bad flag. */
static bool parse_opts(int argc, char **argv, struct opts *o)
{
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        bool ok = true;

        switch (c) {
        case OPT_DB: app.db = optarg; break;
        case OPT_LISTEN: app.listen = optarg; break;
        case OPT_THREADS: ok = num("threads", optarg, 1, 64, &app.threads); break;
        case OPT_WEB: app.web = optarg; break;
        case OPT_PROXY: app.trusted_proxy = optarg; break;
        case OPT_EMAIL: o->email = optarg; break;
        case OPT_NAME: o->name = optarg; break;
        case OPT_ROLE: o->role = optarg; break;
        case OPT_DEPT: o->department = optarg; break;
        case OPT_LEADER: o->leader = true; break;
        case OPT_TEST_CLOCK: o->test_clock = true; break;
        case OPT_WEEK: o->week = optarg; break;
        case OPT_WEEKS: ok = num("weeks", optarg, 0, 260, &o->weeks); break;
        case OPT_LEVEL: o->level = optarg; break;
        case OPT_DEFAULT_TIER: ok = num("default-tier", optarg, 1, 2, &o->default_tier); break;
        case OPT_MAX: ok = num("max", optarg, 1, 100000000, &o->max); break;
        case OPT_BATCH: ok = num("batch", optarg, 1, 100000, &o->batch); break;
        case OPT_PWSTDIN: o->password_stdin = true; break;
        case OPT_PEOPLE: ok = num("people", optarg, 8, 1000000, &o->people); break;
        case OPT_TICKETS: ok = num("tickets", optarg, 0, 100000000, &o->tickets); break;
        case OPT_MESSAGES: ok = num("messages", optarg, 1, 20, &o->messages); break;
        case OPT_SEED: ok = num("seed", optarg, 0, INT64_MAX, &o->seed); break;
        case OPT_TO: o->to = optarg; break;
        case OPT_FROM: o->from = optarg; break;
        case OPT_FORCE: o->force = true; break;
        case 'h': o->help = true; break;
        default: return false;
        }
        if (!ok)
            return false;
    }
    if (optind < argc) {
        fprintf(stderr, "allhands: unexpected argument '%s'\n", argv[optind]);
        return false;
    }
    return true;
}

/* ---- database helpers ---- */

static void ensure_dir_of(const char *path)
{
    char dir[4096];
    char *slash;

    if (strstr(path, "://"))
        return; /* a database server's URL, not a file */
    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return;
    *slash = '\0';
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        fprintf(stderr, "allhands: cannot create %s: %s\n", dir, strerror(errno));
}

/* A location as it may be shown: a URL's password replaced by "***". */
static const char *shown(const char *location, char *buf, size_t size)
{
    const char *scheme = strstr(location, "://"), *at, *colon;

    if (!scheme)
        return location;
    at = strchr(scheme + 3, '@');
    colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
    if (!colon)
        return location;
    snprintf(buf, size, "%.*s:***%s", (int)(colon - location), location, at);
    return buf;
}

/* app.db as it may be shown. */
static const char *db_shown(void)
{
    static char buf[512];

    return shown(app.db, buf, sizeof(buf));
}

/* True when the database already holds people (init must not run twice). */
static bool db_has_people(void)
{
    struct ah_store *st;
    struct ah_error err;
    int64_t n = 0;
    bool has;

    if (!strstr(app.db, "://"))
        return access(app.db, F_OK) == 0;
    if (ah_store_open(app.db, false, &st, &err))
        return false; /* init reports the connection error itself */
    has = !ah_store_person_count(st, &n, &err) && n > 0;
    ah_store_close(st);
    return has;
}

/* Opens and migrates the database; create makes the file if missing. */
static enum ah_err open_db(bool create, struct ah_store **out, struct ah_error *err)
{
    int from = 0, to = 0;
    enum ah_err rc;

    if (!app.mail.attach_dir)
        app.mail.attach_dir = attach_dir_for(app.db);
    if (create)
        ensure_dir_of(app.db);
    rc = ah_store_open(app.db, create, out, err);
    if (rc)
        return rc;
    rc = ah_store_migrate(*out, &from, &to, err);
    if (rc) {
        ah_store_close(*out);
        return rc;
    }
    if (from != to)
        ah_log(AH_LOG_INFO, "store.migrated", "db=%s from=%d to=%d", db_shown(), from, to);
    return AH_OK;
}

static void system_ctx(struct ah_ctx *cx, struct ah_store *st, struct ah_arena *a)
{
    ah_arena_init(a);
    memset(cx, 0, sizeof(*cx));
    cx->store = st;
    cx->arena = a;
    cx->system = true;
    cx->now = ah_clock_now();
    cx->settings = &app.settings;
}

/* Reads a password: a prompt without echo on a terminal, else stdin's first line. */
static bool read_password(char *buf, size_t size)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO);
    size_t n;

    if (tty) {
        fprintf(stderr, "Password (10 characters or more): ");
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    if (!fgets(buf, (int)size, stdin))
        buf[0] = '\0';
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        fputc('\n', stderr);
    }
    n = strcspn(buf, "\r\n");
    buf[n] = '\0';
    return n > 0;
}

/* ---- commands ---- */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static int cmd_serve(int argc, char **argv)
{
    struct opts o = {0};
    struct ah_server_config cfg;
    struct ah_server *srv;
    struct ah_store *st;
    struct ah_error err;
    struct sigaction sa = {0};

    if (!parse_opts(argc, argv, &o))
        return 2;
    if (o.help) {
        printf("usage: allhands serve [--db PATH] [--listen ADDR:PORT] [--threads N] [--web DIR]\n"
               "                      [--trusted-proxy ADDR] [--test-clock]\n"
               "Serves the API and web UI. --trusted-proxy names a load balancer whose\n"
               "X-Forwarded-For gives the client's address. --test-clock (for tests and\n"
               "demos; needs ALLHANDS_ALLOW_TEST_CLOCK=1) stops the server's clock and lets\n"
               "an admin set it with PUT /api/v1/test/clock. Environment: ALLHANDS_DB,\n"
               "ALLHANDS_LISTEN, ALLHANDS_THREADS, ALLHANDS_WEB, ALLHANDS_TRUSTED_PROXY,\n"
               "ALLHANDS_LEASE_SECONDS, ALLHANDS_LOG_LEVEL. Mail: ALLHANDS_MAIL_ADDRESS\n"
               "(replies are mailed from it), ALLHANDS_SMTP_URL (sends them), ALLHANDS_IMAP_URL\n"
               "(polled every ALLHANDS_MAIL_POLL_SECONDS): see `allhands mail-in --help`,\n"
               "`mail-poll --help` and `mail-send --help`.\n");
        return 0;
    }
    if (o.test_clock) {
        const char *allow = getenv("ALLHANDS_ALLOW_TEST_CLOCK");

        if (!allow || strcmp(allow, "1") != 0) {
            fprintf(stderr, "allhands: serve: --test-clock moves this server's time by request;"
                            " set ALLHANDS_ALLOW_TEST_CLOCK=1 as well if that is meant\n");
            return 2;
        }
        ah_clock_test_enable(ah_time_now_ms());
        ah_log(AH_LOG_WARN, "server.test_clock",
               "msg=\"the clock is stopped and moves only by PUT /api/v1/test/clock\"");
    }
    if (open_db(false, &st, &err))
        return fail("database", &err);
    ah_store_close(st);
    cfg = (struct ah_server_config){.db = app.db, .listen = app.listen,
                                    .threads = (int)app.threads, .web_dir = app.web,
                                    .trusted_proxy = app.trusted_proxy,
                                    .settings = app.settings};
    if (ah_server_start(&cfg, &srv, &err))
        return fail("serve", &err);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    ah_log(AH_LOG_INFO, "server.start", "listen=%s port=%u threads=%d db=%s", app.listen,
           (unsigned)ah_server_port(srv), (int)app.threads, db_shown());
    while (!stop_signal)
        pause();
    ah_log(AH_LOG_INFO, "server.stop", "signal=%d", (int)stop_signal);
    ah_server_stop(srv);
    return 0;
}

static int cmd_migrate(int argc, char **argv)
{
    struct opts o = {0};
    struct ah_store *st;
    struct ah_error err;
    int from = 0, to = 0;

    if (!parse_opts(argc, argv, &o))
        return 2;
    if (o.help) {
        printf("usage: allhands migrate [--db PATH]\nApplies the schema migrations this "
               "binary knows to the database.\n");
        return 0;
    }
    ensure_dir_of(app.db);
    if (ah_store_open(app.db, true, &st, &err) || ah_store_migrate(st, &from, &to, &err))
        return fail("migrate", &err);
    ah_store_close(st);
    printf("database %s: schema version %d (was %d)\n", db_shown(), to, from);
    return 0;
}

static int cmd_backup(int argc, char **argv)
{
    struct opts o = {0};
    struct ah_backup_info info;
    struct ah_error err;
    int64_t t0 = ah_time_mono_us();

    if (!parse_opts(argc, argv, &o))
        return 2;
    if (o.help || !o.to) {
        fprintf(o.help ? stdout : stderr,
                "usage: allhands backup [--db PATH] --to FILE\n"
                "Copies the database into the new file FILE while a server goes on using it:\n"
                "one consistent moment, checked (integrity, schema version) before it is\n"
                "renamed to FILE. An existing FILE is never replaced.\n");
        return o.help ? 0 : 2;
    }
    if (ah_store_backup(app.db, o.to, &info, &err))
        return fail("backup", &err);
    printf("backed up %s to %s: %" PRId64 " bytes, schema version %d, %" PRId64
           " tickets, %" PRId64 " people (%.1f s)\n",
           app.db, o.to, info.bytes, info.schema_version, info.tickets, info.people,
           (double)(ah_time_mono_us() - t0) / 1e6);
    return 0;
}

/* Brings the restored database forward and records the restore in it. */
static int after_restore(const struct opts *o, const struct ah_backup_info *info, int64_t t0)
{
    struct ah_store *st;
    struct ah_arena a;
    struct ah_ctx cx;
    struct ah_error err;
    int from = 0, to = 0;
    int rc = 0;

    if (ah_store_open(app.db, false, &st, &err))
        return fail("restore: the backup is in place, but", &err);
    system_ctx(&cx, st, &a);
    if (ah_store_migrate(st, &from, &to, &err) || ah_ops_record_restore(&cx, o->from, info, &err))
        rc = fail("restore: the backup is in place, but", &err);
    else
        printf("restored %s into %s: %" PRId64 " bytes, %" PRId64 " tickets, %" PRId64
               " people; schema version %d%s (%.1f s)\n",
               o->from, app.db, info->bytes, info->tickets, info->people, to,
               from != to ? " (migrated forward)" : "", (double)(ah_time_mono_us() - t0) / 1e6);
    ah_arena_release(&a);
    ah_store_close(st);
    return rc;
}

static int cmd_restore(int argc, char **argv)
{
    struct opts o = {0};
    struct ah_backup_info info;
    struct ah_error err;
    int64_t t0 = ah_time_mono_us();
    int rc;

    if (!parse_opts(argc, argv, &o))
        return 2;
    if (o.help || !o.from) {
        fprintf(o.help ? stdout : stderr,
                "usage: allhands restore --from FILE [--db PATH] [--force]\n"
                "Puts the backup FILE in place as the database, once it passed an integrity\n"
                "check, then migrates it to this version. A running server sees the restored\n"
                "data. An existing database is replaced only with --force.\n");
        return o.help ? 0 : 2;
    }
    if (ah_store_restore(app.db, o.from, o.force, &info, &err)) {
        rc = fail("restore", &err);
        if (err.code == AH_E_CONFLICT)
            fprintf(stderr, "allhands: restore: give --force to replace it, or --db another "
                            "path\n");
        return rc;
    }
    return after_restore(&o, &info, t0);
}

struct copy_progress {
    int64_t t0;
    int64_t last_us;
};

/* A line per table, and for a large one a line every few seconds. */
static void copy_progress(void *arg, const char *table, int64_t done, int64_t total)
{
    struct copy_progress *p = arg;
    int64_t now = ah_time_mono_us();

    if (done < total && now - p->last_us < 2000000)
        return;
    p->last_us = now;
    fprintf(stderr, "copy: %-15s %10" PRId64 " of %" PRId64 " rows (%.1f s)\n", table, done,
            total, (double)(now - p->t0) / 1e6);
}

static int cmd_copy(int argc, char **argv)
{
    struct opts o = {0};
    struct ah_store *src = NULL, *dst = NULL;
    struct ah_copy_check checks[64];
    struct copy_progress prog = {ah_time_mono_us(), 0};
    struct ah_error err;
    char sbuf[512], dbuf[512];
    bool ok = false;
    int rc = 0;

    if (!parse_opts(argc, argv, &o))
        return 2;
    if (o.help || !o.from || !o.to) {
        fprintf(o.help ? stdout : stderr,
                "usage: allhands copy --from SRC --to DST\n"
                "Copies a whole company from the database SRC into the new database DST,\n"
                "ids kept, then compares both table by table: rows and a SHA-256 of their\n"
                "content. Each is a SQLite file or a postgres:// URL, in any combination.\n"
                "SRC must be at this binary's schema version (run allhands migrate on it);\n"
                "DST is created (a file) or must exist (PostgreSQL), is migrated, and must\n"
                "hold no rows. Stop the servers using SRC first. Exits 1 if anything\n"
                "differs.\n");
        return o.help ? 0 : 2;
    }
    assert(ah_store_ntables <= sizeof(checks) / sizeof(checks[0]));
    if (!strstr(o.from, "://") && access(o.from, F_OK) != 0) {
        fprintf(stderr, "allhands: copy: no database at %s\n", o.from);
        return 1;
    }
    if (strcmp(o.from, o.to) == 0) {
        fprintf(stderr, "allhands: copy: --from and --to name the same database\n");
        return 2;
    }
    if (ah_store_open(o.from, false, &src, &err)) {
        rc = fail("copy: source", &err);
        goto cleanup;
    }
    ensure_dir_of(o.to);
    if (ah_store_open(o.to, true, &dst, &err)) {
        rc = fail("copy: destination", &err);
        goto cleanup;
    }
    if (ah_copy_run(src, dst, copy_progress, &prog, &err)) {
        rc = fail("copy", &err);
        goto cleanup;
    }
    if (ah_copy_verify(src, dst, checks, &ok, &err)) {
        rc = fail("copy: verify", &err);
        goto cleanup;
    }
    printf("%-15s %10s %-16s %s\n", "table", "rows", "checksum", "ok");
    for (size_t i = 0; i < ah_store_ntables; i++) {
        const struct ah_copy_check *c = &checks[i];

        printf("%-15s %10" PRId64 " %.16s %s\n", c->table, c->src_rows, c->src_sum,
               c->ok ? "ok" : "DIFFERS");
        if (!c->ok)
            printf("%-15s %10" PRId64 " %.16s (destination)\n", "", c->dst_rows, c->dst_sum);
    }
    if (!ok) {
        fprintf(stderr, "allhands: copy: the destination differs from the source\n");
        rc = 1;
        goto cleanup;
    }
    printf("copied %s to %s (%.1f s)\n", shown(o.from, sbuf, sizeof(sbuf)),
           shown(o.to, dbuf, sizeof(dbuf)), (double)(ah_time_mono_us() - prog.t0) / 1e6);
cleanup:
    if (rc && err.code == AH_E_CONFLICT)
        fprintf(stderr, "allhands: copy: nothing was written\n");
    ah_store_close(dst);
    ah_store_close(src);
    return rc;
}

static int add_person(struct opts *o, enum ah_role role, const char *password, bool first)
{
    struct ah_store *st;
    struct ah_arena a;
    struct ah_ctx cx;
    struct ah_person_input in;
    struct ah_person p;
    struct ah_error err;
    int rc = 0;

    if (open_db(true, &st, &err))
        return fail("database", &err);
    system_ctx(&cx, st, &a);
    ah_person_input_init(&in);
    in.email = ah_str_c(o->email);
    in.name = ah_str_c(o->name);
    in.department = ah_str_c(o->department);
    in.role = (int)role;
    in.leader = o->leader;
    in.password = ah_str_c(password);
    if (o->level) {
        enum ah_level l;

        if (!ah_level_parse(o->level, strlen(o->level), &l)) {
            fprintf(stderr, "allhands: --level must be trainee, junior or tier1\n");
            rc = 2;
            goto done;
        }
        in.level = (int)l;
    }
    if (ah_people_create(&cx, &in, &p, &err))
        rc = fail("user", &err);
    else
        printf("added %s <%s> as %s (id %" PRId64 ")\n", p.name, p.email,
               ah_people_role_name(p.role), p.id);
    /* a new company starts with the starter style guide, and a policy when
     * the first tier is chosen at init */
    if (!rc && first) {
        int64_t added = 0;

        if (ah_style_load_starter(&cx, &added, &err))
            rc = fail("style guide", &err);
        if (!rc && o->default_tier) {
            struct ah_policy_input pi;
            struct ah_policy pol;

            ah_policy_input_init(&pi);
            pi.default_tier = (int)o->default_tier;
            if (ah_policy_update(&cx, &pi, &pol, &err))
                rc = fail("policy", &err);
        }
    }
done:
    ah_arena_release(&a);
    ah_store_close(st);
    return rc;
}

static int cmd_init(int argc, char **argv)
{
    struct opts o = {0};
    char pw[512];
    int rc;

    if (!parse_opts(argc, argv, &o))
        return 2;
    if (o.help || !o.email || !o.name) {
        printf("usage: allhands init [--db PATH] --email E --name N [--default-tier 1|2]\n"
               "Creates a new database, its first lead and the starter style guide. The\n"
               "password is read from standard input (a prompt on a terminal), never\n"
               "from an argument. --default-tier sets the tier of a ticket no routing\n"
               "rule classifies (default 2: pros only, until a rule or a pro says 1).\n");
        return o.help ? 0 : 2;
    }
    if (db_has_people()) {
        fprintf(stderr, "allhands: init: %s already exists\n", db_shown());
        return 1;
    }
    if (!read_password(pw, sizeof(pw))) {
        fprintf(stderr, "allhands: init: no password given on standard input\n");
        return 2;
    }
    rc = add_person(&o, AH_ROLE_LEAD, pw, true);
    ah_crypto_wipe(pw, sizeof(pw));
    return rc;
}

static void demo_progress(void *arg, int64_t done, int64_t total)
{
    (void)arg;
    if (total >= 20000 && (done % 100000 == 0 || done == total))
        fprintf(stderr, "demo: %" PRId64 " of %" PRId64 " tickets\n", done, total);
}

/* Removes the temporary SQLite database at path (and its WAL files) and its
 * directory. */
static void remove_scratch(const char *dir, const char *path)
{
    static const char *const tails[] = {"", "-wal", "-shm", "-journal"};
    char f[4200];

    for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
        snprintf(f, sizeof(f), "%s%s", path, tails[i]);
        unlink(f);
    }
    rmdir(dir);
}

/* The demo company straight into the database at st. */
static enum ah_err demo_into(struct ah_store *st, const struct ah_demo_options *d,
                             struct ah_error *err)
{
    struct ah_arena a;
    struct ah_ctx cx;
    enum ah_err rc;

    system_ctx(&cx, st, &a);
    rc = ah_demo_generate(&cx, d, err);
    ah_arena_release(&a);
    return rc;
}

/* PostgreSQL: row-by-row inserts over the network would take minutes per
 * 100,000 tickets, so the company is generated into a temporary SQLite file
 * (the bulk path) and then copied in with COPY, ids and all. */
static enum ah_err demo_via_sqlite(struct ah_store *pg, const struct ah_demo_options *d,
                                   struct ah_error *err)
{
    const char *tmp = getenv("TMPDIR");
    char dir[4096], path[4200];
    struct ah_store *st;
    struct copy_progress prog = {ah_time_mono_us(), 0};
    int64_t n = 0;
    int from = 0, to = 0;
    enum ah_err rc = ah_store_person_count(pg, &n, err);

    if (rc)
        return rc;
    if (n) /* before minutes of generating */
        return ah_error_set(err, AH_E_CONFLICT,
                            "the database already has %" PRId64 " people: demo fills a new one",
                            n);
    snprintf(dir, sizeof(dir), "%s/allhands-demo.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return ah_error_set(err, AH_E_INTERNAL, "cannot make a scratch directory in %s: %s",
                            tmp && *tmp ? tmp : "/tmp", strerror(errno));
    snprintf(path, sizeof(path), "%s/demo.db", dir);
    rc = ah_store_open(path, true, &st, err);
    if (!rc) {
        rc = ah_store_migrate(st, &from, &to, err);
        if (!rc)
            rc = demo_into(st, d, err);
        if (!rc)
            rc = ah_copy_run(st, pg, d->tickets >= 20000 ? copy_progress : NULL, &prog, err);
        ah_store_close(st);
    }
    remove_scratch(dir, path);
    return rc;
}

static int cmd_demo(int argc, char **argv)
{
    struct opts o = {.people = 60, .tickets = 300, .messages = 3, .weeks = 8};
    struct ah_demo_options d;
    struct ah_store *st;
    struct ah_error err;
    int64_t t0 = ah_time_mono_us();
    int rc = 0;

    if (!parse_opts(argc, argv, &o))
        return 2;
    if (o.help) {
        printf("usage: allhands demo [--db PATH] [--people N] [--tickets N] [--messages AVG]\n"
               "              [--weeks N] [--seed S]\n"
               "Fills a new database with a plausible company: departments, managers,\n"
               "founders, support pros and leads, customers and tickets, and N weeks\n"
               "(default 8) of measured queue time with plans for this week. On PostgreSQL\n"
               "the company is made in a temporary SQLite file under $TMPDIR (or /tmp)\n"
               "and copied in.\n");
        return 0;
    }
    if (open_db(true, &st, &err))
        return fail("database", &err);
    d = (struct ah_demo_options){.people = o.people, .tickets = o.tickets,
                                 .avg_messages = o.messages, .weeks = o.weeks,
                                 .seed = (uint64_t)o.seed,
                                 .progress = demo_progress};
    if (strstr(app.db, "://") ? demo_via_sqlite(st, &d, &err) : demo_into(st, &d, &err)) {
        rc = fail("demo", &err);
    } else {
        printf("demo company in %s: %" PRId64 " people, %" PRId64 " tickets (%.1f s)\n"
               "sign in with password '%s' as\n"
               "  lead@demo.allhands.test    (support lead)\n"
               "  pro@demo.allhands.test     (support pro)\n"
               "  member@demo.allhands.test  (an engineer)\n"
               "  admin@demo.allhands.test   (runs the server)\n",
               db_shown(), o.people, o.tickets, (double)(ah_time_mono_us() - t0) / 1e6,
               AH_DEMO_PASSWORD);
    }
    ah_store_close(st);
    return rc;
}

static int user_list(void)
{
    struct ah_store *st;
    struct ah_arena a;
    struct ah_ctx cx;
    struct ah_error err;
    struct ah_person *items;
    size_t n;
    int64_t after = 0;

    if (open_db(false, &st, &err))
        return fail("database", &err);
    system_ctx(&cx, st, &a);
    printf("%-6s %-8s %-6s %-32s %s\n", "id", "role", "leader", "email", "name");
    do {
        if (ah_people_list(&cx, after, 200, &items, &n, &err)) {
            ah_store_close(st);
            return fail("user list", &err);
        }
        for (size_t i = 0; i < n; i++)
            printf("%-6" PRId64 " %-8s %-6s %-32s %s%s\n", items[i].id,
                   ah_people_role_name(items[i].role), items[i].leader ? "yes" : "", items[i].email,
                   items[i].name, items[i].active ? "" : " (inactive)");
        after = n ? items[n - 1].id : after;
        ah_arena_release(&a);
    } while (n == 200);
    ah_store_close(st);
    return 0;
}

/* Runs fn on the person with o->email. */
static int with_person(struct opts *o, int (*fn)(struct ah_ctx *, struct ah_person *, struct opts *))
{
    struct ah_store *st;
    struct ah_arena a;
    struct ah_ctx cx;
    struct ah_error err;
    struct ah_person p;
    int rc;

    if (open_db(false, &st, &err))
        return fail("database", &err);
    system_ctx(&cx, st, &a);
    if (ah_store_person_get_by_email(st, ah_str_c(o->email), &a, &p, NULL, &err)) {
        fprintf(stderr, "allhands: user: no person has the email %s\n", o->email);
        rc = 1;
    } else {
        rc = fn(&cx, &p, o);
    }
    ah_arena_release(&a);
    ah_store_close(st);
    return rc;
}

static int set_role(struct ah_ctx *cx, struct ah_person *p, struct opts *o)
{
    struct ah_person_input in;
    struct ah_person out;
    struct ah_error err;
    enum ah_role role;

    ah_people_role_parse(ah_str_c(o->role), &role);
    ah_person_input_init(&in);
    in.role = (int)role;
    if (ah_people_update(cx, p->id, &in, &out, &err))
        return fail("user set-role", &err);
    printf("%s is now %s\n", out.email, ah_people_role_name(out.role));
    return 0;
}

static int make_token(struct ah_ctx *cx, struct ah_person *p, struct opts *o)
{
    char token[AH_SECRET_MAX];
    struct ah_credential c;
    struct ah_error err;

    if (ah_access_token_create(cx, p->id, ah_str_c(o->name ? o->name : "command line"), token, &c,
                               &err))
        return fail("user token", &err);
    printf("%s\n", token);
    ah_crypto_wipe(token, sizeof(token));
    return 0;
}

static int cmd_user(int argc, char **argv)
{
    struct opts o = {0};
    const char *sub = argc > 1 ? argv[1] : "";
    enum ah_role role = AH_ROLE_MEMBER;
    char pw[512] = "";
    int rc;

    if (!parse_opts(argc - 1, argv + 1, &o))
        return 2;
    if (o.help || !*sub || strcmp(sub, "--help") == 0) {
        printf("usage: allhands user add --email E --name N --role member|pro|lead|admin\n"
               "                         [--department D] [--leader] [--level L] --password-stdin\n"
               "         (--level trainee|junior|tier1; a new person starts as a trainee)\n"
               "       allhands user list\n"
               "       allhands user set-role --email E --role R\n"
               "       allhands user token --email E [--name LABEL]   (prints a new API token)\n"
               "All take [--db PATH].\n");
        return 0;
    }
    if (strcmp(sub, "list") == 0)
        return user_list();
    if ((strcmp(sub, "add") == 0 || strcmp(sub, "set-role") == 0) &&
        (!o.role || !ah_people_role_parse(ah_str_c(o.role), &role))) {
        fprintf(stderr, "allhands: user %s: --role must be member, pro, lead or admin\n", sub);
        return 2;
    }
    if (strcmp(sub, "add") != 0 && !o.email) {
        fprintf(stderr, "allhands: user %s: --email is required\n", sub);
        return 2;
    }
    if (strcmp(sub, "set-role") == 0)
        return with_person(&o, set_role);
    if (strcmp(sub, "token") == 0)
        return with_person(&o, make_token);
    if (strcmp(sub, "add") != 0) {
        fprintf(stderr, "allhands: user: unknown command '%s' (add, list, set-role, token)\n",
                sub);
        return 2;
    }
    if (!o.email || !o.name) {
        fprintf(stderr, "allhands: user add: --email and --name are required\n");
        return 2;
    }
    if (o.password_stdin && !read_password(pw, sizeof(pw))) {
        fprintf(stderr, "allhands: user add: no password on standard input\n");
        return 2;
    }
    rc = add_person(&o, role, o.password_stdin ? pw : NULL, false);
    ah_crypto_wipe(pw, sizeof(pw));
    return rc;
}

/* ---- mail ---- */

/* Exit codes an MTA understands (sysexits.h): 65 the message will never be
 * taken (it bounces, with our reason), 75 try again later. */
#define EX_DATAERR_ 65
#define EX_TEMPFAIL_ 75

static int mail_exit(const char *what, const struct ah_error *err)
{
    fprintf(stderr, "allhands: %s: %s\n", what, err->msg);
    return err->code == AH_E_INVALID || err->code == AH_E_TOO_LARGE ? EX_DATAERR_ : EX_TEMPFAIL_;
}

/* allhands mail-in: one message on stdin, as an MTA pipes it. */
static int cmd_mail_in(int argc, char **argv)
{
    struct opts o = {0};
    struct ah_store *st;
    struct ah_arena a;
    struct ah_ctx cx;
    struct ah_mail_outcome out;
    struct ah_error err;
    struct ah_buf raw;
    char chunk[65536];
    size_t n;
    int rc = 0;

    if (!parse_opts(argc, argv, &o))
        return 2;
    if (o.help) {
        printf("usage: allhands mail-in [--db PATH] < MESSAGE\n"
               "Stores one email (RFC 5322, as Postfix, Exim or OpenSMTPD pipe it to a\n"
               "program): a reply joins its ticket, anything else opens one. Exit status:\n"
               "0 stored (or stored before), 65 never to be taken (the reason on stderr;\n"
               "the MTA bounces it), 75 not now (the database is busy, the sender is over\n"
               "a rate limit): the MTA tries again later.\n"
               "Environment: ALLHANDS_MAIL_ADDRESS (the support address), ALLHANDS_MAIL_ACK=1,\n"
               "ALLHANDS_MAIL_MAX_BYTES, ALLHANDS_MAIL_MAX_ATTACHMENT_BYTES,\n"
               "ALLHANDS_MAIL_SENDER_PER_HOUR, ALLHANDS_MAIL_TICKETS_PER_HOUR, ALLHANDS_ATTACHMENTS,\n"
               "ALLHANDS_ESCALATION_ADDRESS (colleagues forward a customer's mail there: it\n"
               "becomes an internal escalation they filed; mail from anyone else is refused).\n");
        return 0;
    }
    ah_buf_init(&raw, app.mail.limits.max_message);
    while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
        if (ah_buf_append(&raw, chunk, n, NULL)) {
            fprintf(stderr, "allhands: mail-in: the message is over %zu bytes, the limit"
                            " (ALLHANDS_MAIL_MAX_BYTES)\n", app.mail.limits.max_message);
            ah_buf_release(&raw);
            return EX_DATAERR_;
        }
    }
    if (ferror(stdin)) {
        fprintf(stderr, "allhands: mail-in: cannot read the message: %s\n", strerror(errno));
        ah_buf_release(&raw);
        return EX_TEMPFAIL_;
    }
    if (open_db(false, &st, &err)) {
        ah_buf_release(&raw);
        /* a database away or busy is always "later": the message is not at fault */
        fprintf(stderr, "allhands: mail-in: database: %s\n", err.msg);
        return EX_TEMPFAIL_;
    }
    system_ctx(&cx, st, &a);
    if (ah_mail_receive(&cx, raw.p ? raw.p : "", raw.len, &out, &err))
        rc = mail_exit("mail-in", &err);
    else if (out.duplicate)
        printf("ticket %" PRId64 ": stored before\n", out.ticket_id);
    else
        printf("ticket %" PRId64 "%s (%s)\n", out.ticket_id, out.new_ticket ? ", new" : "",
               out.thread);
    ah_arena_release(&a);
    ah_store_close(st);
    ah_buf_release(&raw);
    return rc;
}

/* allhands mail-poll: new mail from the IMAP mailbox, once. */
static int cmd_mail_poll(int argc, char **argv)
{
    struct opts o = {0};
    struct ah_store *st;
    struct ah_arena a;
    struct ah_ctx cx;
    struct ah_mail_poll_stats ps;
    struct ah_error err;
    int rc = 0;

    if (!parse_opts(argc, argv, &o))
        return 2;
    if (o.help || !app.mail.imap.url) {
        fprintf(o.help ? stdout : stderr,
                "usage: allhands mail-poll [--db PATH] [--max N]\n"
                "Stores the unseen messages of an IMAP mailbox (at most N, default all),\n"
                "marking each seen once it is stored; stopped half-way and run again, it\n"
                "loses nothing and stores nothing twice. `serve` does the same every\n"
                "ALLHANDS_MAIL_POLL_SECONDS (default 60).\n"
                "Environment: ALLHANDS_IMAP_URL (imaps://host:993/INBOX, or imap://...\n"
                "with STARTTLS), ALLHANDS_IMAP_USER, ALLHANDS_IMAP_PASSWORD,\n"
                "ALLHANDS_MAIL_CA_FILE (certificates to trust), ALLHANDS_IMAP_TLS=0 (plain,\n"
                "for a server on this machine).%s\n",
                o.help ? "" : "\n\nallhands: mail-poll: set ALLHANDS_IMAP_URL first");
        return o.help ? 0 : 2;
    }
    if (open_db(false, &st, &err)) {
        fprintf(stderr, "allhands: mail-poll: database: %s\n", err.msg);
        return EX_TEMPFAIL_;
    }
    system_ctx(&cx, st, &a);
    if (ah_mail_poll(&cx, &app.mail.imap, o.max ? o.max : INT64_MAX, &ps, &err)) {
        fprintf(stderr, "allhands: mail-poll: %s\n", err.msg);
        rc = EX_TEMPFAIL_;
    }
    printf("mail-poll: %" PRId64 " stored, %" PRId64 " stored before, %" PRId64
           " refused, %" PRId64 " left for later\n",
           ps.stored, ps.duplicates, ps.refused, ps.deferred);
    ah_arena_release(&a);
    ah_store_close(st);
    return rc;
}

/* allhands mail-send: the mail outbox, sent now (serve does it by itself). */
static int cmd_mail_send(int argc, char **argv)
{
    struct opts o = {0};
    struct ah_store *st;
    struct ah_smtp *smtp;
    struct ah_error err;
    int64_t total = 0, failed_total = 0, t0 = ah_time_mono_us();
    int rc = 0;

    if (!parse_opts(argc, argv, &o))
        return 2;
    if (o.help || !app.mail.smtp.url) {
        fprintf(o.help ? stdout : stderr,
                "usage: allhands mail-send [--db PATH]\n"
                "Sends what waits in the mail outbox now, until nothing is due. `serve`\n"
                "sends by itself; this is for a machine that only takes mail.\n"
                "Environment: ALLHANDS_SMTP_URL (smtp://host:587 with STARTTLS, or\n"
                "smtps://host:465), ALLHANDS_SMTP_USER, ALLHANDS_SMTP_PASSWORD,\n"
                "ALLHANDS_MAIL_CA_FILE, ALLHANDS_SMTP_TLS=0 (plain, for a relay on this\n"
                "machine).%s\n",
                o.help ? "" : "\n\nallhands: mail-send: set ALLHANDS_SMTP_URL first");
        return o.help ? 0 : 2;
    }
    if (open_db(false, &st, &err))
        return fail("mail-send: database", &err);
    if (ah_smtp_open(&app.mail.smtp, &smtp, &err)) {
        ah_store_close(st);
        return fail("mail-send", &err);
    }
    for (;;) {
        struct ah_arena a;
        struct ah_ctx cx;
        int64_t sent = 0, failed = 0;
        enum ah_err e;

        system_ctx(&cx, st, &a);
        e = ah_mail_send_due(&cx, smtp, 100, &sent, &failed, &err);
        ah_arena_release(&a);
        total += sent;
        failed_total += failed;
        if (e) {
            rc = fail("mail-send", &err);
            break;
        }
        if (sent + failed == 0 || (failed && !sent))
            break;
    }
    {
        double s = (double)(ah_time_mono_us() - t0) / 1e6;

        printf("mail-send: %" PRId64 " sent, %" PRId64 " failed (%.2f s, %.0f/s)\n", total,
               failed_total, s, s > 0 ? (double)total / s : 0.0);
    }
    ah_smtp_close(smtp);
    ah_store_close(st);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* allhands groups run: groups the tickets not grouped yet (serve does it by
 * itself, a moment after they arrive), and says how long each took. */
static int cmd_groups(int argc, char **argv)
{
    struct opts o = {0};
    struct ah_store *st;
    struct ah_arena a;
    struct ah_ctx cx;
    struct ah_error err;
    double *us;
    int64_t done = 0, t0;
    int rc = 0;

    if (argc < 2 || strcmp(argv[1], "run") != 0) {
        bool help = argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);

        fprintf(help ? stdout : stderr,
                "usage: allhands groups run [--db PATH] [--max N]\n"
                "Puts the tickets not grouped yet into their repeated-question groups, in\n"
                "arrival order (at most N, default all), and prints how long one took.\n"
                "`serve` does this by itself a moment after each ticket arrives.\n"
                "Environment: ALLHANDS_GROUP_THRESHOLD, the similarity a question needs\n"
                "to join a group (0 to 1, default %.2f).\n", AH_GROUP_THRESHOLD_DEFAULT);
        return help ? 0 : 2;
    }
    if (!parse_opts(argc - 1, argv + 1, &o))
        return 2;
    if (o.help) {
        printf("usage: allhands groups run [--db PATH] [--max N]\n");
        return 0;
    }
    /* at most 8M a run: the timings are kept to sort them */
    if (!o.max || o.max > 8 * 1024 * 1024)
        o.max = 8 * 1024 * 1024;
    us = malloc((size_t)o.max * sizeof(*us));
    if (!us) {
        fprintf(stderr, "allhands: groups: out of memory\n");
        return 1;
    }
    if (open_db(false, &st, &err)) {
        free(us);
        return fail("groups: database", &err);
    }
    system_ctx(&cx, st, &a);
    t0 = ah_time_mono_us();
    if (ah_groups_run(&cx, (int)o.max, &done, us, &err))
        rc = fail("groups", &err);
    {
        double s = (double)(ah_time_mono_us() - t0) / 1e6;

        qsort(us, (size_t)done, sizeof(*us), cmp_double);
        printf("groups: %" PRId64 " tickets grouped (%.2f s)", done, s);
        if (done)
            printf("; one took %.0f us median, %.0f us at p99", us[done / 2],
                   us[(size_t)((double)done * 0.99)]);
        printf("\n");
    }
    free(us);
    ah_arena_release(&a);
    ah_store_close(st);
    return rc;
}

/* allhands import mbox FILE: old mail in bulk, idempotent. */
static int cmd_import(int argc, char **argv)
{
    struct opts o = {0};
    struct ah_store *st;
    struct ah_error err;
    struct ah_mail_import_stats total = {0};
    const char *file;
    FILE *f;
    struct ah_buf data;
    char chunk[1 << 16];
    size_t n, pos = 0, batch;
    int64_t t0 = ah_time_mono_us(), count = 0;
    int rc = 0;

    if (argc < 3 || strcmp(argv[1], "mbox") != 0 || argv[2][0] == '-') {
        bool help = argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);

        fprintf(help ? stdout : stderr,
                "usage: allhands import mbox FILE [--db PATH] [--batch N]\n"
                "Stores every message of an mbox file (mboxo or mboxrd) as mail-in would,\n"
                "without acknowledgements or rate limits, N messages (default 1000) per\n"
                "transaction. A message stored before is skipped, so an import stopped\n"
                "half-way is finished by running it again.\n");
        return help ? 0 : 2;
    }
    file = argv[2];
    if (!parse_opts(argc - 2, argv + 2, &o))
        return 2;
    batch = o.batch ? (size_t)o.batch : 1000;
    f = fopen(file, "rb");
    if (!f) {
        fprintf(stderr, "allhands: import: cannot open %s: %s\n", file, strerror(errno));
        return 1;
    }
    ah_buf_init(&data, SIZE_MAX / 2);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        ah_buf_append(&data, chunk, n, NULL);
    fclose(f);
    if (open_db(false, &st, &err)) {
        ah_buf_release(&data);
        return fail("import: database", &err);
    }
    while (!rc) {
        struct ah_arena a;
        struct ah_ctx cx;
        struct ah_mail_import_stats bs;
        const char **raw;
        size_t *len, k = 0;
        struct ah_str msg;

        system_ctx(&cx, st, &a);
        raw = ah_arena_alloc(&a, batch * sizeof(*raw));
        len = ah_arena_alloc(&a, batch * sizeof(*len));
        while (k < batch && ah_mbox_next(data.p ? data.p : "", data.len, &pos, &a, &msg)) {
            raw[k] = msg.p;
            len[k++] = msg.len;
        }
        if (k == 0) {
            ah_arena_release(&a);
            break;
        }
        if (ah_mail_import(&cx, raw, len, k, &bs, &err)) {
            rc = fail("import", &err);
        } else {
            total.stored += bs.stored;
            total.duplicates += bs.duplicates;
            total.refused += bs.refused;
            count += (int64_t)k;
            fprintf(stderr, "import: %" PRId64 " messages (%.0f%% of the file)\n", count,
                    data.len ? 100.0 * (double)pos / (double)data.len : 100.0);
        }
        ah_arena_release(&a);
    }
    {
        double s = (double)(ah_time_mono_us() - t0) / 1e6;

        printf("import: %" PRId64 " stored, %" PRId64 " stored before, %" PRId64
               " refused (%.1f s, %.0f messages/s)\n",
               total.stored, total.duplicates, total.refused, s,
               s > 0 ? (double)count / s : 0.0);
    }
    ah_store_close(st);
    ah_buf_release(&data);
    return rc;
}

static int cmd_routes(void)
{
    size_t n;
    const struct ah_route *r = ah_server_routes(&n);

    for (size_t i = 0; i < n; i++)
        printf("%s %s\n", r[i].method, r[i].pattern);
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "allhands - a help desk whose queue the whole company works\n\n"
               "usage: allhands <command> [options]   (each command has --help)\n\n"
               "  serve     serve the API and web UI\n"
               "  init      create a new database and its first lead\n"
               "  migrate   bring a database's schema up to this version\n"
               "  backup    copy the database, while it serves, into a new file\n"
               "  restore   put a backup in place as the database\n"
               "  copy      copy a whole company into a new database (SQLite, PostgreSQL)\n"
               "  demo      fill a new database with a demo company\n"
               "  user      add, list and change people; make API tokens\n"
               "  routes    print the HTTP routes\n"
               "  report    run the week's consequence ladder and print compliance\n"
               "  mail-in   store one email read on stdin (for an MTA's pipe)\n"
               "  mail-poll store new mail from an IMAP mailbox\n"
               "  mail-send send what waits in the mail outbox\n"
               "  import    import mail from an mbox file\n"
               "  groups    group the tickets not grouped yet into repeated questions\n");
}

/* allhands report week [--week YYYY-Www]: the ladder for a closed week, on
 * demand (it runs once per week whoever starts it), then its compliance. */
static int cmd_report(int argc, char **argv)
{
    struct opts o = {0};
    struct ah_store *st;
    struct ah_arena a;
    struct ah_ctx cx;
    struct ah_report rep;
    struct ah_policy pol;
    struct ah_week w;
    struct ah_error err;
    int64_t notified = 0;
    int year = 0, week = 0, rc = 0;
    bool ran = false;

    if (argc < 2 || strcmp(argv[1], "week") != 0) {
        fprintf(argc > 1 && strcmp(argv[1], "--help") == 0 ? stdout : stderr,
                "usage: allhands report week [--db PATH] [--week YYYY-Www]\n"
                "Runs the consequence ladder for a week that has ended (default: the last\n"
                "one) unless it ran already, then prints who met, is behind or is exempt.\n"
                "The server runs it by itself at each week boundary.\n");
        return argc > 1 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
    }
    if (!parse_opts(argc - 1, argv + 1, &o))
        return 2;
    if (o.help) {
        printf("usage: allhands report week [--db PATH] [--week YYYY-Www]\n");
        return 0;
    }
    if (o.week && !ah_iso_week_parse(o.week, strlen(o.week), &year, &week)) {
        fprintf(stderr, "allhands: report: --week must be an ISO week like 2026-W48\n");
        return 2;
    }
    if (open_db(false, &st, &err))
        return fail("database", &err);
    system_ctx(&cx, st, &a);
    rc = ah_policy_read(&cx, &pol, &err);
    if (!rc && year)
        rc = ah_week_get(&pol, NULL, year, week, &w, &err);
    if (!rc && year && w.end_ms > cx.now)
        rc = ah_error_set(&err, AH_E_INVALID, "week %s has not ended yet", w.label);
    if (!rc)
        rc = ah_ladder_run(&cx, year ? w.first_day : 0, &ran, &notified, &err);
    if (!rc) {
        ah_arena_release(&a);
        system_ctx(&cx, st, &a);
        rc = ah_report_compliance(&cx, year, week, &rep, &err);
    }
    if (rc) {
        rc = fail("report", &err);
    } else {
        printf("week %s: %" PRId64 " of %" PRId64 " required met (%.0f%%), %" PRId64
               " behind, %" PRId64 " exempt\n",
               rep.week.label, rep.met, rep.required,
               rep.required ? 100.0 * (double)rep.met / (double)rep.required : 100.0,
               rep.behind, rep.exempt);
        if (ran)
            printf("ladder: ran now, %" PRId64 " notification(s)\n", notified);
        else
            printf("ladder: had run for this week already\n");
        for (size_t i = 0; i < rep.npeople; i++)
            if (rep.people[i].status == AH_WEEK_BEHIND)
                printf("  behind  %-30s %4" PRId64 "/%4" PRId64 " min  %" PRId64
                       " week(s)%s%s\n",
                       rep.people[i].person.name, rep.people[i].ledger.worked_ms / 60000,
                       rep.people[i].ledger.required_min, rep.people[i].weeks_behind,
                       rep.people[i].ladder ? "  " : "",
                       rep.people[i].ladder ? rep.people[i].ladder : "");
    }
    ah_arena_release(&a);
    ah_store_close(st);
    return rc;
}

int main(int argc, char **argv)
{
    struct ah_error err;
    const char *cmd = argc > 1 ? argv[1] : "";

    if (!config_from_env())
        return 2;
    if (ah_crypto_init(&err) || ah_httpc_init(&err))
        return fail("start", &err);
    ah_mail_init();
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve(argc - 1, argv + 1);
    if (strcmp(cmd, "init") == 0)
        return cmd_init(argc - 1, argv + 1);
    if (strcmp(cmd, "migrate") == 0)
        return cmd_migrate(argc - 1, argv + 1);
    if (strcmp(cmd, "backup") == 0)
        return cmd_backup(argc - 1, argv + 1);
    if (strcmp(cmd, "restore") == 0)
        return cmd_restore(argc - 1, argv + 1);
    if (strcmp(cmd, "copy") == 0)
        return cmd_copy(argc - 1, argv + 1);
    if (strcmp(cmd, "demo") == 0)
        return cmd_demo(argc - 1, argv + 1);
    if (strcmp(cmd, "user") == 0)
        return cmd_user(argc - 1, argv + 1);
    if (strcmp(cmd, "routes") == 0)
        return cmd_routes();
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "mail-in") == 0)
        return cmd_mail_in(argc - 1, argv + 1);
    if (strcmp(cmd, "mail-poll") == 0)
        return cmd_mail_poll(argc - 1, argv + 1);
    if (strcmp(cmd, "mail-send") == 0)
        return cmd_mail_send(argc - 1, argv + 1);
    if (strcmp(cmd, "import") == 0)
        return cmd_import(argc - 1, argv + 1);
    if (strcmp(cmd, "groups") == 0)
        return cmd_groups(argc - 1, argv + 1);
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    if (*cmd)
        fprintf(stderr, "\nallhands: unknown command '%s'\n", cmd);
    return 2;
}
