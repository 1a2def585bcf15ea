/* crypto.h - the one module wrapping libsodium: random tokens, token hashes,
 * argon2id passwords, keyed hashes. */
#ifndef AH_CORE_CRYPTO_H
#define AH_CORE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/str.h"

/* 32 random bytes in base64url without padding: 43 chars + NUL. */
#define AH_TOKEN_CHARS 43
/* A token hash in hex: 64 chars + NUL. */
#define AH_HASH_HEX 65
/* An encoded argon2id hash. */
#define AH_PWHASH_MAX 128

/* Initializes libsodium; call once before any other function here. */
enum ah_err ah_crypto_init(struct ah_error *err);
/* prefix + 256 random bits, base64url. out must hold strlen(prefix)+44. */
void ah_crypto_token(const char *prefix, char *out, size_t outlen);
/* Hex BLAKE2b-256 of a token: what the store keeps instead of the token. */
void ah_crypto_token_hash(struct ah_str token, char out[AH_HASH_HEX]);
/* argon2id (interactive limits by default, AH_PWHASH_FAST=1 in tests). */
enum ah_err ah_crypto_password_hash(struct ah_str password, char out[AH_PWHASH_MAX],
                                    struct ah_error *err);
bool ah_crypto_password_verify(const char *hash, struct ah_str password);
/* Hex keyed BLAKE2b of a secret for one purpose (the CSRF token is derived
 * from the session token this way, so every server computes the same one).
 * purpose must be a string literal of at least 16 bytes. */
void ah_crypto_derive(const char *purpose, struct ah_str secret, char out[AH_HASH_HEX]);
/* Hex HMAC-SHA256 of msg under key (webhook signatures, RFC 2104). */
void ah_crypto_hmac_sha256(struct ah_str key, const void *msg, size_t n, char out[AH_HASH_HEX]);
/* Constant-time comparison of equal-length strings. */
bool ah_crypto_equal(struct ah_str a, struct ah_str b);
/* Overwrites n bytes so the compiler cannot elide it. */
void ah_crypto_wipe(void *p, size_t n);
/* A uniformly random number below n. */
uint32_t ah_crypto_random_below(uint32_t n);

/* SHA-256 over bytes given in pieces: _init, _update any number of times,
 * _final. The state is libsodium's, kept opaque here. */
#define AH_SHA256_BYTES 32
struct ah_sha256 {
    _Alignas(16) unsigned char state[128];
};
void ah_crypto_sha256_init(struct ah_sha256 *h);
void ah_crypto_sha256_update(struct ah_sha256 *h, const void *p, size_t n);
/* Writes the digest in hex (64 chars + NUL); h must be initialized again to reuse. */
void ah_crypto_sha256_final(struct ah_sha256 *h, char out[AH_HASH_HEX]);

#endif
