/* copy.h - a whole company from one database into another, through the
 * store interface alone, so any backend copies into any other
 * (`allhands copy`); then both compared table by table. */
#ifndef AH_STORE_COPY_H
#define AH_STORE_COPY_H

#include "core/crypto.h"
#include "store/store.h"

/* rows read, and written, at a time: one transaction per batch */
#define AH_COPY_BATCH 1000

/* One table's rows and content checksum on both sides. */
struct ah_copy_check {
    const char *table;
    int64_t src_rows, dst_rows;
    char src_sum[AH_HASH_HEX], dst_sum[AH_HASH_HEX];
    bool ok;
};

/* Copies every table of src into dst, ids kept. src must be at this
 * binary's schema version (AH_E_INVALID otherwise: migrate it first); dst
 * is migrated to it, and must hold no row in any copied table (AH_E_CONFLICT,
 * nothing written). progress (may be NULL) hears of each batch: rows of
 * table done out of total. On failure dst may hold part of the copy. */
enum ah_err ah_copy_run(struct ah_store *src, struct ah_store *dst,
                        void (*progress)(void *arg, const char *table, int64_t done,
                                         int64_t total),
                        void *arg, struct ah_error *err);

/* Compares each table of a and b: row counts and a SHA-256 over every row
 * in key order. checks has room for ah_store_ntables; *all_ok when every
 * table matched. */
enum ah_err ah_copy_verify(struct ah_store *a, struct ah_store *b, struct ah_copy_check *checks,
                           bool *all_ok, struct ah_error *err);

/* The checksum of one table, and its row count. */
enum ah_err ah_copy_checksum(struct ah_store *s, const struct ah_store_table *t, int64_t *rows,
                             char sum[AH_HASH_HEX], struct ah_error *err);

#endif
