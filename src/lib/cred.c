/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The encrypted credential store. Format and error codes: cred.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "lib/cred.h"
#include "shared/fileio.h"
#include "shared/macro.h"
#include "shared/parse.h"

#define INFO_ENC "hasan credential store v1 encryption"
#define INFO_ID "hasan credential store v1 key id"
#define KEY_ID_MESSAGE "hasan credential store key id"

struct cred_key {
        uint8_t enc_key[CRED_KEY_SIZE];
        uint8_t key_id[CRED_KEY_ID_SIZE];
};

struct cred_entry {
        char *name;
        uint8_t *secret;
        size_t size;
};

struct cred_store {
        struct cred_entry *entries;
        size_t n;
        size_t cap;
};

DEFINE_TRIVIAL_CLEANUP_FUNC(EVP_CIPHER_CTX *, EVP_CIPHER_CTX_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(EVP_KDF_CTX *, EVP_KDF_CTX_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct cred_store *, cred_store_free)

/* Wipe a heap buffer over its whole allocation, then free it. */
static void erase_and_free(void *p)
{
        if (!p)
                return;
        explicit_bzero(p, malloc_usable_size(p));
        free(p);
}

static void erase_and_freep(void *p)
{
        erase_and_free(*(void **)p);
}

bool cred_name_is_valid(const char *name)
{
        size_t n;

        if (!name)
                return false;
        n = strlen(name);
        if (n < 1 || n > CRED_NAME_MAX)
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = name[i];
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-'))
                        return false;
        }
        return true;
}

/* ---- keys ---- */

static int hkdf_sha256(const uint8_t *root, size_t root_size, const char *info, uint8_t *out,
                       size_t out_size)
{
        _cleanup_(EVP_KDF_CTX_freep) EVP_KDF_CTX *kctx = NULL;
        EVP_KDF *kdf;
        char digest[] = "SHA256";
        OSSL_PARAM params[4];

        kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
        if (!kdf)
                return -EIO;
        kctx = EVP_KDF_CTX_new(kdf);
        EVP_KDF_free(kdf);
        if (!kctx)
                return -EIO;

        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
        params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)root, root_size);
        params[2] =
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, strlen(info));
        params[3] = OSSL_PARAM_construct_end();

        if (EVP_KDF_derive(kctx, out, out_size, params) <= 0)
                return -EIO;
        return 0;
}

static int key_derive(const uint8_t root[CRED_KEY_SIZE], struct cred_key **ret)
{
        struct cred_key k = {0}, *key;
        uint8_t id_key[CRED_KEY_SIZE], mac[32];
        size_t mac_size = 0;
        int r;

        r = hkdf_sha256(root, CRED_KEY_SIZE, INFO_ENC, k.enc_key, sizeof(k.enc_key));
        if (r < 0)
                goto out;
        r = hkdf_sha256(root, CRED_KEY_SIZE, INFO_ID, id_key, sizeof(id_key));
        if (r < 0)
                goto out;
        if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, id_key, sizeof(id_key),
                       (const unsigned char *)KEY_ID_MESSAGE, strlen(KEY_ID_MESSAGE), mac,
                       sizeof(mac), &mac_size) ||
            mac_size != sizeof(mac)) {
                r = -EIO;
                goto out;
        }
        memcpy(k.key_id, mac, CRED_KEY_ID_SIZE);

        key = malloc(sizeof(*key));
        if (!key) {
                r = -ENOMEM;
                goto out;
        }
        memcpy(key, &k, sizeof(k));
        *ret = key;
        r = 0;
out:
        explicit_bzero(&k, sizeof(k));
        explicit_bzero(id_key, sizeof(id_key));
        explicit_bzero(mac, sizeof(mac));
        return r;
}

int cred_key_parse(const char *text, size_t size, struct cred_key **ret)
{
        uint8_t root[CRED_KEY_SIZE];
        int r;

        if (!text || !ret)
                return -EINVAL;
        if (size == CRED_KEY_HEX_SIZE + 1 && text[CRED_KEY_HEX_SIZE] == '\n')
                size--;
        if (size != CRED_KEY_HEX_SIZE)
                return -EINVAL;
        if (unhex(text, CRED_KEY_HEX_SIZE, root, sizeof(root)) < 0) {
                explicit_bzero(root, sizeof(root));
                return -EINVAL;
        }
        r = key_derive(root, ret);
        explicit_bzero(root, sizeof(root));
        return r;
}

int cred_key_load(const char *path, struct cred_key **ret)
{
        _cleanup_close_ int fd = -1;
        char buf[CRED_KEY_HEX_SIZE + 2];
        size_t n = 0;
        struct stat st;
        int r;

        if (!path || !ret)
                return -EINVAL;

        /* O_NONBLOCK: a FIFO planted at the path must not hang us before fstat(). */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if (st.st_mode & 077)
                return -EPERM;

        while (n < sizeof(buf)) {
                ssize_t k = read(fd, buf + n, sizeof(buf) - n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        goto out;
                }
                if (k == 0)
                        break;
                n += (size_t)k;
        }
        /* A full buffer is one byte longer than any valid key file. */
        r = n == sizeof(buf) ? -EINVAL : cred_key_parse(buf, n, ret);
out:
        explicit_bzero(buf, sizeof(buf));
        return r;
}

struct cred_key *cred_key_free(struct cred_key *key)
{
        if (key) {
                explicit_bzero(key, sizeof(*key));
                free(key);
        }
        return NULL;
}

void cred_key_id(const struct cred_key *key, uint8_t ret_id[CRED_KEY_ID_SIZE])
{
        memcpy(ret_id, key->key_id, CRED_KEY_ID_SIZE);
}

/* ---- file format ---- */

int cred_seal(const struct cred_key *key, const void *plaintext, size_t size, uint8_t **ret_data,
              size_t *ret_size)
{
        _cleanup_(EVP_CIPHER_CTX_freep) EVP_CIPHER_CTX *ctx = NULL;
        _cleanup_free_ uint8_t *out = NULL;
        uint8_t *nonce;
        int len = 0, flen = 0;

        if (!key || (!plaintext && size > 0) || !ret_data || !ret_size)
                return -EINVAL;
        if (size > READ_FULL_FILE_MAX - CRED_MIN_FILE_SIZE)
                return -EFBIG;

        out = malloc(CRED_MIN_FILE_SIZE + size);
        if (!out)
                return -ENOMEM;
        memcpy(out, CRED_MAGIC, CRED_MAGIC_SIZE);
        memcpy(out + CRED_MAGIC_SIZE, key->key_id, CRED_KEY_ID_SIZE);
        nonce = out + CRED_MAGIC_SIZE + CRED_KEY_ID_SIZE;
        if (RAND_bytes(nonce, CRED_NONCE_SIZE) != 1)
                return -EIO;

        ctx = EVP_CIPHER_CTX_new();
        if (!ctx)
                return -ENOMEM;
        if (EVP_EncryptInit_ex2(ctx, EVP_aes_256_gcm(), key->enc_key, nonce, NULL) != 1)
                return -EIO;
        if (EVP_EncryptUpdate(ctx, NULL, &len, out, CRED_HEADER_SIZE) != 1)
                return -EIO;
        len = 0;
        if (size > 0 &&
            EVP_EncryptUpdate(ctx, out + CRED_HEADER_SIZE, &len, plaintext, (int)size) != 1)
                return -EIO;
        if (EVP_EncryptFinal_ex(ctx, out + CRED_HEADER_SIZE + len, &flen) != 1)
                return -EIO;
        if ((size_t)len + (size_t)flen != size)
                return -EIO;
        if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, CRED_TAG_SIZE,
                                out + CRED_HEADER_SIZE + size) != 1)
                return -EIO;

        *ret_data = TAKE_PTR(out);
        *ret_size = CRED_MIN_FILE_SIZE + size;
        return 0;
}

int cred_unseal(const struct cred_key *key, const void *data, size_t size, uint8_t **ret_plaintext,
                size_t *ret_size)
{
        _cleanup_(EVP_CIPHER_CTX_freep) EVP_CIPHER_CTX *ctx = NULL;
        _cleanup_(erase_and_freep) uint8_t *plain = NULL;
        const uint8_t *in = data;
        uint8_t tag[CRED_TAG_SIZE];
        size_t n;
        int len = 0, flen = 0;

        if (!key || !data || !ret_plaintext || !ret_size)
                return -EINVAL;
        if (size < CRED_MIN_FILE_SIZE || memcmp(in, CRED_MAGIC, CRED_MAGIC_SIZE) != 0)
                return -EPROTO;
        if (size > READ_FULL_FILE_MAX)
                return -EFBIG;
        if (memcmp(in + CRED_MAGIC_SIZE, key->key_id, CRED_KEY_ID_SIZE) != 0)
                return -EKEYREJECTED;

        n = size - CRED_MIN_FILE_SIZE;
        memcpy(tag, in + CRED_HEADER_SIZE + n, CRED_TAG_SIZE);

        ctx = EVP_CIPHER_CTX_new();
        if (!ctx)
                return -ENOMEM;
        if (EVP_DecryptInit_ex2(ctx, EVP_aes_256_gcm(), key->enc_key,
                                in + CRED_MAGIC_SIZE + CRED_KEY_ID_SIZE, NULL) != 1)
                return -EIO;
        if (EVP_DecryptUpdate(ctx, NULL, &len, in, CRED_HEADER_SIZE) != 1)
                return -EIO;
        len = 0;

        plain = malloc(n > 0 ? n : 1);
        if (!plain)
                return -ENOMEM;
        if (n > 0 && EVP_DecryptUpdate(ctx, plain, &len, in + CRED_HEADER_SIZE, (int)n) != 1)
                return -EIO;
        if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, CRED_TAG_SIZE, tag) != 1)
                return -EIO;
        /* The plaintext buffer is wiped on every return path by its cleanup. */
        if (EVP_DecryptFinal_ex(ctx, plain + len, &flen) <= 0)
                return -EBADMSG;
        if ((size_t)len + (size_t)flen != n)
                return -EIO;

        *ret_plaintext = TAKE_PTR(plain);
        *ret_size = n;
        return 0;
}

/* ---- the in-memory store ---- */

int cred_store_new(struct cred_store **ret)
{
        struct cred_store *s;

        if (!ret)
                return -EINVAL;
        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static void entry_clear(struct cred_entry *e)
{
        free(e->name);
        if (e->secret) {
                explicit_bzero(e->secret, e->size);
                free(e->secret);
        }
        *e = (struct cred_entry){0};
}

struct cred_store *cred_store_free(struct cred_store *store)
{
        if (!store)
                return NULL;
        for (size_t i = 0; i < store->n; i++)
                entry_clear(&store->entries[i]);
        free(store->entries);
        free(store);
        return NULL;
}

size_t cred_store_count(const struct cred_store *store)
{
        return store ? store->n : 0;
}

const char *cred_store_name(const struct cred_store *store, size_t i)
{
        if (!store || i >= store->n)
                return NULL;
        return store->entries[i].name;
}

/* Binary search: true if found; *ret_pos is the match or the insertion point. */
static bool store_find(const struct cred_store *s, const char *name, size_t *ret_pos)
{
        size_t lo = 0, hi = s->n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(s->entries[mid].name, name);
                if (c == 0) {
                        *ret_pos = mid;
                        return true;
                }
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *ret_pos = lo;
        return false;
}

static int store_insert(struct cred_store *s, size_t pos, const char *name, const void *secret,
                        size_t size)
{
        uint8_t *copy;
        char *n;

        if (s->n == s->cap) {
                size_t ncap = s->cap ? s->cap * 2 : 8;
                struct cred_entry *e = reallocarray(s->entries, ncap, sizeof(*e));
                if (!e)
                        return -ENOMEM;
                s->entries = e;
                s->cap = ncap;
        }
        copy = malloc(size);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, secret, size);
        n = strdup(name);
        if (!n) {
                explicit_bzero(copy, size);
                free(copy);
                return -ENOMEM;
        }

        memmove(&s->entries[pos + 1], &s->entries[pos], (s->n - pos) * sizeof(s->entries[0]));
        s->entries[pos] = (struct cred_entry){.name = n, .secret = copy, .size = size};
        s->n++;
        return 0;
}

int cred_store_get(const struct cred_store *store, const char *name, const uint8_t **ret_secret,
                   size_t *ret_size)
{
        size_t pos;

        if (!store || !ret_secret || !ret_size || !cred_name_is_valid(name))
                return -EINVAL;
        if (!store_find(store, name, &pos))
                return -ENOENT;
        *ret_secret = store->entries[pos].secret;
        *ret_size = store->entries[pos].size;
        return 0;
}

int cred_store_set(struct cred_store *store, const char *name, const void *secret, size_t size)
{
        struct cred_entry *e;
        uint8_t *copy;
        size_t pos;
        int r;

        if (!store || !cred_name_is_valid(name))
                return -EINVAL;
        if (size == 0)
                return -ENODATA;
        if (size > CRED_SECRET_MAX)
                return -EMSGSIZE;
        if (!secret)
                return -EINVAL;

        if (!store_find(store, name, &pos)) {
                r = store_insert(store, pos, name, secret, size);
                return r < 0 ? r : 1;
        }

        e = &store->entries[pos];
        if (e->size == size && memcmp(e->secret, secret, size) == 0)
                return 0;
        copy = malloc(size);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, secret, size);
        explicit_bzero(e->secret, e->size);
        free(e->secret);
        e->secret = copy;
        e->size = size;
        return 1;
}

int cred_store_remove(struct cred_store *store, const char *name)
{
        size_t pos;

        if (!store || !cred_name_is_valid(name))
                return -EINVAL;
        if (!store_find(store, name, &pos))
                return -ENOENT;
        entry_clear(&store->entries[pos]);
        memmove(&store->entries[pos], &store->entries[pos + 1],
                (store->n - pos - 1) * sizeof(store->entries[0]));
        store->n--;
        return 0;
}

/* ---- serialization ---- */

static int store_serialize(const struct cred_store *s, uint8_t **ret, size_t *ret_size)
{
        uint8_t *buf, *p;
        size_t size = 0;

        for (size_t i = 0; i < s->n; i++)
                size += 2 + strlen(s->entries[i].name) + 4 + s->entries[i].size;

        buf = malloc(size > 0 ? size : 1);
        if (!buf)
                return -ENOMEM;
        p = buf;
        for (size_t i = 0; i < s->n; i++) {
                const struct cred_entry *e = &s->entries[i];
                size_t nl = strlen(e->name);

                *p++ = (uint8_t)(nl >> 8);
                *p++ = (uint8_t)nl;
                memcpy(p, e->name, nl);
                p += nl;
                *p++ = (uint8_t)(e->size >> 24);
                *p++ = (uint8_t)(e->size >> 16);
                *p++ = (uint8_t)(e->size >> 8);
                *p++ = (uint8_t)e->size;
                memcpy(p, e->secret, e->size);
                p += e->size;
        }
        *ret = buf;
        *ret_size = size;
        return 0;
}

static int store_parse(const uint8_t *p, size_t size, struct cred_store **ret)
{
        _cleanup_(cred_store_freep) struct cred_store *s = NULL;
        char name[CRED_NAME_MAX + 1], prev[CRED_NAME_MAX + 1] = "";
        size_t off = 0;
        int r;

        r = cred_store_new(&s);
        if (r < 0)
                return r;

        while (off < size) {
                size_t nl, sl;

                if (size - off < 2)
                        return -EUCLEAN;
                nl = (size_t)p[off] << 8 | p[off + 1];
                off += 2;
                if (nl < 1 || nl > CRED_NAME_MAX || size - off < nl)
                        return -EUCLEAN;
                memcpy(name, p + off, nl);
                name[nl] = '\0';
                off += nl;
                /* strlen() catches an embedded NUL. */
                if (strlen(name) != nl || !cred_name_is_valid(name))
                        return -EUCLEAN;
                if (s->n > 0 && strcmp(prev, name) >= 0)
                        return -EUCLEAN; /* unsorted or duplicate */

                if (size - off < 4)
                        return -EUCLEAN;
                sl = (size_t)p[off] << 24 | (size_t)p[off + 1] << 16 | (size_t)p[off + 2] << 8 |
                     p[off + 3];
                off += 4;
                if (sl < 1 || sl > CRED_SECRET_MAX || size - off < sl)
                        return -EUCLEAN;

                r = store_insert(s, s->n, name, p + off, sl);
                if (r < 0)
                        return r;
                off += sl;
                memcpy(prev, name, nl + 1);
        }

        *ret = TAKE_PTR(s);
        return 0;
}

int cred_store_load(const char *path, const struct cred_key *key, struct cred_store **ret)
{
        _cleanup_free_ char *data = NULL;
        uint8_t *plain = NULL;
        size_t size = 0, plain_size = 0;
        struct stat st;
        int r;

        if (!path || !key || !ret)
                return -EINVAL;
        if (stat(path, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;

        r = read_full_file(path, &data, &size);
        if (r < 0)
                return r;
        r = cred_unseal(key, data, size, &plain, &plain_size);
        if (r < 0)
                return r;
        r = store_parse(plain, plain_size, ret);
        erase_and_free(plain);
        return r;
}

int cred_store_save(const struct cred_store *store, const char *path, const struct cred_key *key)
{
        _cleanup_free_ uint8_t *sealed = NULL;
        uint8_t *plain = NULL;
        size_t plain_size = 0, sealed_size = 0;
        int r;

        if (!store || !path || !key)
                return -EINVAL;

        r = store_serialize(store, &plain, &plain_size);
        if (r < 0)
                return r;
        r = cred_seal(key, plain, plain_size, &sealed, &sealed_size);
        erase_and_free(plain);
        if (r < 0)
                return r;

        return write_file_atomic(path, sealed, sealed_size, 0600);
}

int cred_store_lock(const char *path, int *ret_fd)
{
        _cleanup_free_ char *lock_path = NULL;
        _cleanup_close_ int fd = -1;

        if (!path || !ret_fd)
                return -EINVAL;
        if (asprintf(&lock_path, "%s.lock", path) < 0)
                return -ENOMEM;

        fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return -errno;
        while (flock(fd, LOCK_EX) < 0)
                if (errno != EINTR)
                        return -errno;

        *ret_fd = TAKE_FD(fd);
        return 0;
}

const char *cred_strerror(int r)
{
        switch (r) {
        case -EPERM:
                return "it is accessible by group or others (chmod 0600 it)";
        case -EINVAL:
                return "malformed: expected 64 hex characters";
        case -EKEYREJECTED:
                return "it was written with a different key";
        case -EBADMSG:
                return "it was modified or is corrupted";
        case -EPROTO:
        case -EUCLEAN:
                return "it is not a valid credential store";
        default:
                return strerror(-r);
        }
}
