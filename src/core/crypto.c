/* crypto.c - libsodium behind allhands' names. Tokens are 256 random bits;
 * the store keeps only their hash, so a stolen database opens no session. */
#include "core/crypto.h"

#include <assert.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

enum ah_err ah_crypto_init(struct ah_error *err)
{
    if (sodium_init() < 0)
        return ah_error_set(err, AH_E_INTERNAL, "libsodium failed to initialize");
    return AH_OK;
}

void ah_crypto_token(const char *prefix, char *out, size_t outlen)
{
    unsigned char raw[32];
    size_t pl = strlen(prefix);

    if (outlen < pl + sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
        abort(); /* a caller bug, not input */
    randombytes_buf(raw, sizeof(raw));
    memcpy(out, prefix, pl);
    sodium_bin2base64(out + pl, outlen - pl, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
}

static void hex(const unsigned char *b, size_t n, char *out)
{
    sodium_bin2hex(out, n * 2 + 1, b, n);
}

void ah_crypto_token_hash(struct ah_str token, char out[AH_HASH_HEX])
{
    unsigned char h[32];

    crypto_generichash(h, sizeof(h), (const unsigned char *)token.p, token.len, NULL, 0);
    hex(h, sizeof(h), out);
}

void ah_crypto_hmac_sha256(struct ah_str key, const void *msg, size_t n, char out[AH_HASH_HEX])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];

    crypto_auth_hmacsha256_init(&st, (const unsigned char *)key.p, key.len);
    crypto_auth_hmacsha256_update(&st, msg, n);
    crypto_auth_hmacsha256_final(&st, mac);
    hex(mac, sizeof(mac), out);
    sodium_memzero(&st, sizeof(st));
}

static bool fast_hash(void)
{
    const char *v = getenv("AH_PWHASH_FAST");

    return v && strcmp(v, "1") == 0;
}

enum ah_err ah_crypto_password_hash(struct ah_str password, char out[AH_PWHASH_MAX],
                                    struct ah_error *err)
{
    unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

    if (fast_hash()) {
        ops = crypto_pwhash_OPSLIMIT_MIN;
        mem = crypto_pwhash_MEMLIMIT_MIN;
    }
    if (crypto_pwhash_str_alg(out, password.p, password.len, ops, mem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return ah_error_set(err, AH_E_INTERNAL, "password hashing ran out of memory");
    return AH_OK;
}

bool ah_crypto_password_verify(const char *hash, struct ah_str password)
{
    return crypto_pwhash_str_verify(hash, password.p, password.len) == 0;
}

void ah_crypto_derive(const char *purpose, struct ah_str secret, char out[AH_HASH_HEX])
{
    unsigned char h[32];
    size_t kl = strlen(purpose);

    assert(kl >= crypto_generichash_KEYBYTES_MIN && kl <= crypto_generichash_KEYBYTES_MAX);
    /* keyed BLAKE2b: the key separates purposes; the secret carries the entropy */
    crypto_generichash(h, sizeof(h), (const unsigned char *)secret.p, secret.len,
                       (const unsigned char *)purpose, kl);
    hex(h, sizeof(h), out);
}

bool ah_crypto_equal(struct ah_str a, struct ah_str b)
{
    return a.len == b.len && sodium_memcmp(a.p, b.p, a.len) == 0;
}

void ah_crypto_wipe(void *p, size_t n)
{
    sodium_memzero(p, n);
}

uint32_t ah_crypto_random_below(uint32_t n)
{
    return randombytes_uniform(n);
}

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(((struct ah_sha256 *)0)->state),
               "struct ah_sha256 holds libsodium's state");

void ah_crypto_sha256_init(struct ah_sha256 *h)
{
    crypto_hash_sha256_init((crypto_hash_sha256_state *)(void *)h->state);
}

void ah_crypto_sha256_update(struct ah_sha256 *h, const void *p, size_t n)
{
    crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)h->state, p,
                              (unsigned long long)n);
}

void ah_crypto_sha256_final(struct ah_sha256 *h, char out[AH_HASH_HEX])
{
    unsigned char d[AH_SHA256_BYTES];

    crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)h->state, d);
    hex(d, sizeof(d), out);
}
