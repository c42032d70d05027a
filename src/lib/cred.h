/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The encrypted credential store (/etc/hasan/credentials, docs/credentials.md):
 * CHAP secrets and fence-device passwords, keyed by name.
 *
 * Key file: exactly 64 hex characters (a random 256-bit root key), optionally
 * followed by one "\n"; a regular file with no group/other permission bits.
 * Two subkeys are derived from it with HKDF-SHA256 (no salt):
 *   enc_key = HKDF(root, info "hasan credential store v1 encryption", 32 bytes)
 *   id_key  = HKDF(root, info "hasan credential store v1 key id", 32 bytes)
 *   key_id  = HMAC-SHA256(id_key, "hasan credential store key id")[0..8]
 *
 * Store file (whole-file AES-256-GCM, names are hidden too):
 *   offset  size  field
 *        0     8  magic "HSNCRED1"
 *        8     8  key id (see above)
 *       16    12  nonce, fresh random bytes on every write
 *       28     n  ciphertext
 *     28+n    16  GCM tag
 * The 28-byte header is the GCM additional authenticated data. The plaintext
 * is a list of entries sorted by name (strcmp order, no duplicates):
 *   u16 big-endian name length, name (1..64 of [A-Za-z0-9._-]),
 *   u32 big-endian secret length, secret (1..4096 arbitrary bytes).
 * An empty list (n = 0) is a valid, empty store.
 *
 * All functions return 0 (or a documented positive value) on success and a
 * negative errno on failure; ret_ parameters are written only on success.
 * The library never prints. Errors that callers tell apart:
 *
 *   -ENOENT       key file, store or credential does not exist
 *   -EBADFD       key file or store is not a regular file
 *   -EPERM        key file is accessible by group or others (mode & 077)
 *   -EINVAL       key file malformed; invalid credential name
 *   -ENODATA      empty secret
 *   -EMSGSIZE     secret longer than CRED_SECRET_MAX
 *   -EPROTO       store has the wrong magic or is shorter than header + tag
 *   -EKEYREJECTED store was written with a different key (key id mismatch)
 *   -EBADMSG      GCM authentication failed with a matching key id: the file
 *                 was modified or corrupted (this includes truncation that
 *                 leaves at least header + tag)
 *   -EUCLEAN      authenticated plaintext is malformed (corrupted store)
 *   -EFBIG        store larger than READ_FULL_FILE_MAX
 *   -EIO          the crypto library failed (not a property of the data)
 * plus whatever open(2), read(2), flock(2) and write_file_atomic() return.
 *
 * Secrets are wiped with explicit_bzero() before their memory is freed.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRED_NAME_MAX 64
#define CRED_SECRET_MAX 4096
#define CRED_KEY_SIZE 32
#define CRED_KEY_HEX_SIZE (2 * CRED_KEY_SIZE)

#define CRED_MAGIC "HSNCRED1"
#define CRED_MAGIC_SIZE 8
#define CRED_KEY_ID_SIZE 8
#define CRED_NONCE_SIZE 12
#define CRED_TAG_SIZE 16
#define CRED_HEADER_SIZE (CRED_MAGIC_SIZE + CRED_KEY_ID_SIZE + CRED_NONCE_SIZE)
#define CRED_MIN_FILE_SIZE (CRED_HEADER_SIZE + CRED_TAG_SIZE)

/* Derived key material; opaque. */
struct cred_key;

/* Parse key text (64 hex characters plus an optional "\n"); -EINVAL otherwise. */
int cred_key_parse(const char *text, size_t size, struct cred_key **ret);

/* Load a key file: -ENOENT, -EBADFD, -EPERM, -EINVAL, or an open/read error. */
int cred_key_load(const char *path, struct cred_key **ret);

/* Wipe and free; accepts NULL, returns NULL. */
struct cred_key *cred_key_free(struct cred_key *key);

/* The key id written into the header of stores encrypted with key. */
void cred_key_id(const struct cred_key *key, uint8_t ret_id[CRED_KEY_ID_SIZE]);

/* 1..CRED_NAME_MAX characters of [A-Za-z0-9._-]. */
bool cred_name_is_valid(const char *name);

/*
 * File format layer: encrypt a plaintext into the complete file image, or
 * authenticate and decrypt a file image. cred_unseal() returns -EPROTO,
 * -EKEYREJECTED or -EBADMSG as described above and never returns data that
 * failed authentication. Returned plaintext buffers must be wiped by the
 * caller (their size is known); sealed images hold no secrets in the clear.
 */
int cred_seal(const struct cred_key *key, const void *plaintext, size_t size, uint8_t **ret_data,
              size_t *ret_size);
int cred_unseal(const struct cred_key *key, const void *data, size_t size, uint8_t **ret_plaintext,
                size_t *ret_size);

/* The decrypted store, in memory. */
struct cred_store;

int cred_store_new(struct cred_store **ret);

/*
 * Read and decrypt the store at path. -ENOENT if it does not exist (callers
 * decide whether that means "empty"), -EBADFD if it is not a regular file,
 * then the format errors above.
 */
int cred_store_load(const char *path, const struct cred_key *key, struct cred_store **ret);

/* Encrypt with a fresh nonce and replace path atomically, mode 0600. */
int cred_store_save(const struct cred_store *store, const char *path, const struct cred_key *key);

/* Wipe all secrets and free; accepts NULL, returns NULL. */
struct cred_store *cred_store_free(struct cred_store *store);

size_t cred_store_count(const struct cred_store *store);

/* Name of the i-th entry in sorted order, or NULL if out of range. */
const char *cred_store_name(const struct cred_store *store, size_t i);

/* Borrow a secret (valid until the store changes): 0, -EINVAL or -ENOENT. */
int cred_store_get(const struct cred_store *store, const char *name, const uint8_t **ret_secret,
                   size_t *ret_size);

/*
 * Add or replace a credential. Returns 1 if the store changed, 0 if the name
 * already held these exact bytes; -EINVAL (name), -ENODATA, -EMSGSIZE, -ENOMEM.
 */
int cred_store_set(struct cred_store *store, const char *name, const void *secret, size_t size);

/* Remove a credential: 0, -EINVAL or -ENOENT. */
int cred_store_remove(struct cred_store *store, const char *name);

/*
 * Take an exclusive flock() on "<path>.lock" (created 0600, O_CLOEXEC) to
 * serialize read-modify-write cycles. Blocks until the lock is free. Returns
 * the lock fd in *ret_fd; closing it releases the lock.
 */
int cred_store_lock(const char *path, int *ret_fd);

/*
 * Why cred_key_load() or cred_store_load() failed, for an operator: the
 * fix for the errors they document, strerror() text for the rest.
 */
const char *cred_strerror(int r);
