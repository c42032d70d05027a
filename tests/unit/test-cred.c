/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The credential store: library round trips, the on-disk format (checked
 * with an independent decryption), tamper and key errors, atomic writes,
 * and the "hasan cred" CLI as Ansible drives it. Each test runs in a fresh
 * directory under /tmp.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "exec-util.h"
#include "lib/cred.h"
#include "shared/fileio.h"
#include "tmpdir-util.h"

struct fixture {
        char *dir;
        char store[PATH_MAX + 32];
        char key[PATH_MAX + 32];
        char key_hex[CRED_KEY_HEX_SIZE + 1];
        uint8_t key_raw[CRED_KEY_SIZE];
};

/* ---- helpers ---- */

static void write_file(const char *path, const void *data, size_t size, mode_t mode)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(fchmod(fd, mode), 0);
        assert_int_equal(write(fd, data, size), (ssize_t)size);
        assert_int_equal(close(fd), 0);
}

static void random_key(uint8_t raw[CRED_KEY_SIZE], char hex[CRED_KEY_HEX_SIZE + 1])
{
        assert_int_equal(RAND_bytes(raw, CRED_KEY_SIZE), 1);
        for (size_t i = 0; i < CRED_KEY_SIZE; i++)
                snprintf(hex + 2 * i, 3, "%02x", raw[i]);
}

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        char key_text[CRED_KEY_HEX_SIZE + 2];

        assert_non_null(f);
        f->dir = test_tmpdir_new("cred");
        assert_non_null(f->dir);
        snprintf(f->store, sizeof(f->store), "%s/credentials", f->dir);
        snprintf(f->key, sizeof(f->key), "%s/credentials.key", f->dir);
        random_key(f->key_raw, f->key_hex);
        snprintf(key_text, sizeof(key_text), "%s\n", f->key_hex);
        write_file(f->key, key_text, strlen(key_text), 0600);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;

        chmod(f->dir, 0700);
        test_tmpdir_remove(f->dir);
        free(f);
        return 0;
}

static struct cred_key *key_of(const struct fixture *f)
{
        struct cred_key *key = NULL;
        assert_int_equal(cred_key_load(f->key, &key), 0);
        assert_non_null(key);
        return key;
}

static void save_one(const struct fixture *f, const char *name, const char *secret)
{
        struct cred_key *key = key_of(f);
        struct cred_store *s = NULL;

        assert_int_equal(cred_store_new(&s), 0);
        assert_int_equal(cred_store_set(s, name, secret, strlen(secret)), 1);
        assert_int_equal(cred_store_save(s, f->store, key), 0);
        cred_store_free(s);
        cred_key_free(key);
}

static void assert_secret(const struct cred_store *s, const char *name, const void *want,
                          size_t want_size)
{
        const uint8_t *got = NULL;
        size_t size = 0;

        assert_int_equal(cred_store_get(s, name, &got, &size), 0);
        assert_int_equal(size, want_size);
        assert_memory_equal(got, want, want_size);
}

/* Load must fail with exactly this error and hand back nothing. */
static void assert_load_fails(const struct fixture *f, int error)
{
        struct cred_key *key = key_of(f);
        struct cred_store *s = NULL;

        assert_int_equal(cred_store_load(f->store, key, &s), error);
        assert_null(s);
        cred_key_free(key);
}

static void flip_byte(const char *path, off_t offset)
{
        int fd = open(path, O_RDWR | O_CLOEXEC);
        uint8_t b;

        assert_true(fd >= 0);
        assert_int_equal(pread(fd, &b, 1, offset), 1);
        b ^= 0x01;
        assert_int_equal(pwrite(fd, &b, 1, offset), 1);
        close(fd);
}

static off_t file_size(const char *path)
{
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        return st.st_size;
}

/* Names in dir other than the expected ones, e.g. left-over temporary files. */
static int count_temp_files(const char *dir)
{
        DIR *d = opendir(dir);
        struct dirent *de;
        int n = 0;

        assert_non_null(d);
        while ((de = readdir(d)))
                if (strstr(de->d_name, ".tmp."))
                        n++;
        closedir(d);
        return n;
}

/* Run "hasan cred --store S --key K ARGS..." with stdin; NULL-terminated. */
static struct exec_result run_cred(const struct fixture *f, const char *in, const char *arg, ...)
{
        char *argv[16] = {(char *)hasan_bin(), "cred",  "--store",
                          (char *)f->store,    "--key", (char *)f->key};
        struct exec_result r = {0};
        int n = 6;
        va_list ap;

        va_start(ap, arg);
        for (const char *a = arg; a && n < 15; a = va_arg(ap, const char *))
                argv[n++] = (char *)a;
        va_end(ap);
        argv[n] = NULL;
        assert_int_equal(exec_capture(argv, in, &r), 0);
        return r;
}

/* ---- library: contents ---- */

static void test_roundtrip(void **state)
{
        struct fixture *f = *state;
        const uint8_t binary[] = {0x00, 0x01, '\n', 0xff, 0x80, '\r', 0x00, 0x7f};
        uint8_t big[CRED_SECRET_MAX];
        struct cred_key *key = key_of(f);
        struct cred_store *s = NULL;

        assert_int_equal(RAND_bytes(big, sizeof(big)), 1);
        assert_int_equal(cred_store_new(&s), 0);
        assert_int_equal(cred_store_set(s, "chap.backend-a", "s3cret!", 7), 1);
        assert_int_equal(cred_store_set(s, "binary", binary, sizeof(binary)), 1);
        assert_int_equal(cred_store_set(s, "fence_pdu", big, sizeof(big)), 1);
        assert_int_equal(cred_store_save(s, f->store, key), 0);
        cred_store_free(s);
        cred_key_free(key);

        /* A fresh key object from the same file reads it back. */
        key = key_of(f);
        s = NULL;
        assert_int_equal(cred_store_load(f->store, key, &s), 0);
        assert_int_equal(cred_store_count(s), 3);
        assert_secret(s, "chap.backend-a", "s3cret!", 7);
        assert_secret(s, "binary", binary, sizeof(binary));
        assert_secret(s, "fence_pdu", big, sizeof(big));
        cred_store_free(s);
        cred_key_free(key);
}

static void test_list_sorted(void **state)
{
        struct fixture *f = *state;
        const char *in[] = {"zeta", "beta", "Alpha", "0a", "_x", "a.b", "a-b"};
        const char *want[] = {"0a", "Alpha", "_x", "a-b", "a.b", "beta", "zeta"};
        struct cred_key *key = key_of(f);
        struct cred_store *s = NULL;

        assert_int_equal(cred_store_new(&s), 0);
        for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
                assert_int_equal(cred_store_set(s, in[i], "x", 1), 1);
        assert_int_equal(cred_store_save(s, f->store, key), 0);
        cred_store_free(s);
        s = NULL;

        assert_int_equal(cred_store_load(f->store, key, &s), 0);
        assert_int_equal(cred_store_count(s), 7);
        for (size_t i = 0; i < 7; i++)
                assert_string_equal(cred_store_name(s, i), want[i]);
        assert_null(cred_store_name(s, 7));
        cred_store_free(s);
        cred_key_free(key);
}

static void test_remove(void **state)
{
        struct fixture *f = *state;
        struct cred_key *key = key_of(f);
        struct cred_store *s = NULL;
        const uint8_t *p;
        size_t n;

        assert_int_equal(cred_store_new(&s), 0);
        assert_int_equal(cred_store_set(s, "a", "1", 1), 1);
        assert_int_equal(cred_store_set(s, "b", "2", 1), 1);
        assert_int_equal(cred_store_remove(s, "a"), 0);
        assert_int_equal(cred_store_remove(s, "a"), -ENOENT);
        assert_int_equal(cred_store_remove(s, "nope"), -ENOENT);
        assert_int_equal(cred_store_get(s, "a", &p, &n), -ENOENT);
        assert_int_equal(cred_store_save(s, f->store, key), 0);
        cred_store_free(s);
        s = NULL;

        assert_int_equal(cred_store_load(f->store, key, &s), 0);
        assert_int_equal(cred_store_count(s), 1);
        assert_string_equal(cred_store_name(s, 0), "b");
        /* Removing the last entry leaves a valid, empty store: header + tag only. */
        assert_int_equal(cred_store_remove(s, "b"), 0);
        assert_int_equal(cred_store_save(s, f->store, key), 0);
        cred_store_free(s);
        s = NULL;
        assert_int_equal(file_size(f->store), CRED_MIN_FILE_SIZE);
        assert_int_equal(cred_store_load(f->store, key, &s), 0);
        assert_int_equal(cred_store_count(s), 0);
        cred_store_free(s);
        cred_key_free(key);
}

static void test_overwrite_and_unchanged(void **state)
{
        struct fixture *f = *state;
        struct cred_key *key = key_of(f);
        struct cred_store *s = NULL;

        assert_int_equal(cred_store_new(&s), 0);
        assert_int_equal(cred_store_set(s, "n", "abc", 3), 1);
        assert_int_equal(cred_store_set(s, "n", "abc", 3), 0);  /* identical bytes */
        assert_int_equal(cred_store_set(s, "n", "abd", 3), 1);  /* same length */
        assert_int_equal(cred_store_set(s, "n", "abcd", 4), 1); /* longer */
        assert_int_equal(cred_store_set(s, "n", "abc", 4), 1);  /* with the NUL: differs */
        assert_int_equal(cred_store_save(s, f->store, key), 0);
        cred_store_free(s);
        s = NULL;

        assert_int_equal(cred_store_load(f->store, key, &s), 0);
        assert_int_equal(cred_store_count(s), 1);
        assert_secret(s, "n", "abc", 4);
        cred_store_free(s);
        cred_key_free(key);
}

static void test_set_rejects_bad_input(void **state)
{
        static char big[CRED_SECRET_MAX + 1];
        struct cred_store *s = NULL;

        memset(big, 'x', sizeof(big));
        assert_int_equal(cred_store_new(&s), 0);
        assert_int_equal(cred_store_set(s, "n", "", 0), -ENODATA);
        assert_int_equal(cred_store_set(s, "n", big, CRED_SECRET_MAX + 1), -EMSGSIZE);
        assert_int_equal(cred_store_set(s, "bad name", "x", 1), -EINVAL);
        assert_int_equal(cred_store_count(s), 0);
        assert_int_equal(cred_store_set(s, "n", big, CRED_SECRET_MAX), 1);
        assert_int_equal(cred_store_count(s), 1);
        cred_store_free(s);
}

static void test_names(void **state)
{
        char longest[CRED_NAME_MAX + 2];
        const char *bad[] = {"", "a b", "a/b", "a\nb", "caf\xc3\xa9", "a:b", "a*", "-x y"};

        memset(longest, 'a', sizeof(longest));
        longest[CRED_NAME_MAX] = '\0';
        assert_true(cred_name_is_valid(longest));
        longest[CRED_NAME_MAX] = 'a';
        longest[CRED_NAME_MAX + 1] = '\0';
        assert_false(cred_name_is_valid(longest));

        assert_true(cred_name_is_valid("a"));
        assert_true(cred_name_is_valid("AZaz09._-"));
        assert_false(cred_name_is_valid(NULL));
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_false(cred_name_is_valid(bad[i]));
}

/* ---- library: the file ---- */

/* Independent reading of the documented format, with OpenSSL directly. */
static void hkdf(const uint8_t *root, const char *info, uint8_t out[32])
{
        EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
        EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
        OSSL_PARAM p[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)root, 32),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, strlen(info)),
            OSSL_PARAM_construct_end(),
        };
        assert_int_equal(EVP_KDF_derive(ctx, out, 32, p), 1);
        EVP_KDF_CTX_free(ctx);
        EVP_KDF_free(kdf);
}

static void test_format_matches_documentation(void **state)
{
        struct fixture *f = *state;
        const uint8_t want_plain[] = {0,   2, 'a', 'b', 0, 0, 0, 3, 'x', 0,
                                      'y', 0, 1,   'c', 0, 0, 0, 1, 'z'};
        uint8_t enc[32], idk[32], mac[32], plain[64], first_nonce[CRED_NONCE_SIZE];
        char *data = NULL;
        size_t size = 0, mac_size = 0;
        int len = 0, flen = 0;
        EVP_CIPHER_CTX *ctx;

        {
                struct cred_key *key = key_of(f);
                struct cred_store *s = NULL;
                assert_int_equal(cred_store_new(&s), 0);
                assert_int_equal(cred_store_set(s, "c", "z", 1), 1);
                assert_int_equal(cred_store_set(s, "ab", "x\0y", 3), 1);
                assert_int_equal(cred_store_save(s, f->store, key), 0);
                assert_int_equal(read_full_file(f->store, &data, &size), 0);
                memcpy(first_nonce, data + 16, CRED_NONCE_SIZE);
                free(data);
                /* Same content again: a fresh nonce, so different bytes. */
                assert_int_equal(cred_store_save(s, f->store, key), 0);
                cred_store_free(s);
                cred_key_free(key);
        }
        assert_int_equal(read_full_file(f->store, &data, &size), 0);
        assert_int_equal(size, 28 + sizeof(want_plain) + 16);
        assert_memory_equal(data, "HSNCRED1", 8);
        assert_memory_not_equal(data + 16, first_nonce, CRED_NONCE_SIZE);

        hkdf(f->key_raw, "hasan credential store v1 encryption", enc);
        hkdf(f->key_raw, "hasan credential store v1 key id", idk);
        assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, idk, 32,
                                  (const unsigned char *)"hasan credential store key id", 29, mac,
                                  sizeof(mac), &mac_size));
        assert_memory_equal(data + 8, mac, 8);

        ctx = EVP_CIPHER_CTX_new();
        assert_int_equal(EVP_DecryptInit_ex2(ctx, EVP_aes_256_gcm(), enc,
                                             (const unsigned char *)data + 16, NULL),
                         1);
        assert_int_equal(EVP_DecryptUpdate(ctx, NULL, &len, (const unsigned char *)data, 28), 1);
        assert_int_equal(EVP_DecryptUpdate(ctx, plain, &len, (const unsigned char *)data + 28,
                                           (int)sizeof(want_plain)),
                         1);
        assert_int_equal(
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, data + 28 + sizeof(want_plain)), 1);
        assert_int_equal(EVP_DecryptFinal_ex(ctx, plain + len, &flen), 1);
        EVP_CIPHER_CTX_free(ctx);
        assert_memory_equal(plain, want_plain, sizeof(want_plain));
        free(data);
}

static void test_store_mode_0600(void **state)
{
        struct fixture *f = *state;
        mode_t old = umask(0);
        struct stat st;

        save_one(f, "a", "1");
        assert_int_equal(stat(f->store, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);

        /* A store someone loosened is written back 0600. */
        assert_int_equal(chmod(f->store, 0644), 0);
        save_one(f, "a", "2");
        assert_int_equal(stat(f->store, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        umask(old);
}

static void test_atomic_replace(void **state)
{
        struct fixture *f = *state;
        struct stat a, b;
        int old_fd;

        save_one(f, "a", "1");
        assert_int_equal(stat(f->store, &a), 0);
        /* Keep the old inode alive so its number cannot be reused. */
        old_fd = open(f->store, O_RDONLY | O_CLOEXEC);
        assert_true(old_fd >= 0);
        save_one(f, "a", "2");
        assert_int_equal(stat(f->store, &b), 0);
        assert_true(a.st_ino != b.st_ino);
        close(old_fd);
        assert_int_equal(count_temp_files(f->dir), 0);
}

static void test_failed_write_keeps_old_store(void **state)
{
        struct fixture *f = *state;
        static uint8_t big[CRED_SECRET_MAX];
        struct cred_key *key = key_of(f);
        struct cred_store *s = NULL;
        struct rlimit old_lim, lim;
        char missing[PATH_MAX + 64];
        void (*old_handler)(int);

        save_one(f, "keep", "old-value");

        /* The write itself fails (works as root too): file size limit. */
        assert_int_equal(cred_store_load(f->store, key, &s), 0);
        assert_int_equal(cred_store_set(s, "big", big, sizeof(big)), 1);
        assert_int_equal(getrlimit(RLIMIT_FSIZE, &old_lim), 0);
        lim = (struct rlimit){.rlim_cur = 256, .rlim_max = old_lim.rlim_max};
        old_handler = signal(SIGXFSZ, SIG_IGN);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
        int r = cred_store_save(s, f->store, key);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &old_lim), 0);
        signal(SIGXFSZ, old_handler);
        assert_int_equal(r, -EFBIG);
        cred_store_free(s);
        s = NULL;

        /* A non-root user cannot create the temporary file in a read-only directory. */
        if (geteuid() != 0) {
                assert_int_equal(cred_store_new(&s), 0);
                assert_int_equal(cred_store_set(s, "other", "x", 1), 1);
                assert_int_equal(chmod(f->dir, 0500), 0);
                assert_int_equal(cred_store_save(s, f->store, key), -EACCES);
                assert_int_equal(chmod(f->dir, 0700), 0);
                cred_store_free(s);
                s = NULL;
        }

        /* A store path whose directory is missing. */
        snprintf(missing, sizeof(missing), "%s/missing/credentials", f->dir);
        assert_int_equal(cred_store_new(&s), 0);
        assert_int_equal(cred_store_set(s, "x", "y", 1), 1);
        assert_int_equal(cred_store_save(s, missing, key), -ENOENT);
        cred_store_free(s);
        s = NULL;

        /* The old store is intact and nothing was left behind. */
        assert_int_equal(count_temp_files(f->dir), 0);
        assert_int_equal(cred_store_load(f->store, key, &s), 0);
        assert_int_equal(cred_store_count(s), 1);
        assert_secret(s, "keep", "old-value", 9);
        cred_store_free(s);
        cred_key_free(key);
}

static void test_tamper_magic(void **state)
{
        struct fixture *f = *state;

        save_one(f, "a", "secret");
        flip_byte(f->store, 3);
        assert_load_fails(f, -EPROTO);
}

static void test_tamper_header_key_id_and_nonce(void **state)
{
        struct fixture *f = *state;

        /* The key id is how a store names its key: altered, it names another. */
        save_one(f, "a", "secret");
        flip_byte(f->store, CRED_MAGIC_SIZE + 2);
        assert_load_fails(f, -EKEYREJECTED);

        /* The nonce is authenticated data: altered, the tag no longer verifies. */
        save_one(f, "a", "secret");
        flip_byte(f->store, CRED_MAGIC_SIZE + CRED_KEY_ID_SIZE + 5);
        assert_load_fails(f, -EBADMSG);
}

static void test_tamper_ciphertext(void **state)
{
        struct fixture *f = *state;

        save_one(f, "a", "secret");
        flip_byte(f->store, CRED_HEADER_SIZE + 4);
        assert_load_fails(f, -EBADMSG);
}

static void test_tamper_tag(void **state)
{
        struct fixture *f = *state;

        save_one(f, "a", "secret");
        flip_byte(f->store, file_size(f->store) - 1);
        assert_load_fails(f, -EBADMSG);
}

static void test_truncated(void **state)
{
        struct fixture *f = *state;
        off_t full;

        save_one(f, "a", "secret");
        full = file_size(f->store);
        /* Anything shorter than header + tag: not a store. */
        assert_int_equal(truncate(f->store, CRED_MIN_FILE_SIZE - 1), 0);
        assert_load_fails(f, -EPROTO);
        assert_int_equal(truncate(f->store, 0), 0);
        assert_load_fails(f, -EPROTO);

        /* Cut inside the ciphertext: the tag check catches it. */
        save_one(f, "a", "secret");
        assert_int_equal(truncate(f->store, full - 1), 0);
        assert_load_fails(f, -EBADMSG);
}

static void test_wrong_key(void **state)
{
        struct fixture *f = *state;
        uint8_t raw[CRED_KEY_SIZE];
        char hex[CRED_KEY_HEX_SIZE + 1];

        save_one(f, "a", "secret");
        random_key(raw, hex);
        write_file(f->key, hex, strlen(hex), 0600);
        assert_load_fails(f, -EKEYREJECTED);
}

static void test_malformed_plaintext(void **state)
{
        struct fixture *f = *state;
        static const struct {
                const char *what;
                uint8_t data[24];
                size_t size;
        } cases[] = {
            {"unsorted", {0, 1, 'b', 0, 0, 0, 1, 'x', 0, 1, 'a', 0, 0, 0, 1, 'y'}, 16},
            {"duplicate", {0, 1, 'a', 0, 0, 0, 1, 'x', 0, 1, 'a', 0, 0, 0, 1, 'y'}, 16},
            {"empty secret", {0, 1, 'a', 0, 0, 0, 0}, 7},
            {"empty name", {0, 0, 0, 0, 0, 1, 'x'}, 7},
            {"name too long", {0, 65, 'a'}, 3},
            {"bad name byte", {0, 1, '/', 0, 0, 0, 1, 'x'}, 8},
            {"NUL in name", {0, 2, 'a', 0, 0, 0, 0, 1, 'x'}, 9},
            {"secret past end", {0, 1, 'a', 0, 0, 0, 9, 'x'}, 8},
            {"secret too long", {0, 1, 'a', 0, 0, 0x10, 0x01, 'x'}, 8},
            {"trailing byte", {0, 1, 'a', 0, 0, 0, 1, 'x', 0}, 9},
            {"short length", {0, 1, 'a', 0, 0}, 5},
        };
        struct cred_key *key = key_of(f);

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                uint8_t *sealed = NULL;
                size_t size = 0;

                assert_int_equal(cred_seal(key, cases[i].data, cases[i].size, &sealed, &size), 0);
                write_file(f->store, sealed, size, 0600);
                free(sealed);
                print_message("case: %s\n", cases[i].what);
                assert_load_fails(f, -EUCLEAN);
        }
        cred_key_free(key);
}

static void test_store_not_regular(void **state)
{
        struct fixture *f = *state;

        assert_int_equal(mkdir(f->store, 0700), 0);
        assert_load_fails(f, -EBADFD);
        assert_int_equal(rmdir(f->store), 0);
        assert_int_equal(mkfifo(f->store, 0600), 0);
        assert_load_fails(f, -EBADFD);
        assert_int_equal(unlink(f->store), 0);
        assert_load_fails(f, -ENOENT);
}

/* ---- library: the key file ---- */

static void test_key_mode_refused(void **state)
{
        struct fixture *f = *state;
        const mode_t bad[] = {0644, 0640, 0604, 0660, 0601};
        struct cred_key *key = NULL;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_int_equal(chmod(f->key, bad[i]), 0);
                assert_int_equal(cred_key_load(f->key, &key), -EPERM);
                assert_null(key);
        }
        assert_int_equal(chmod(f->key, 0400), 0);
        assert_int_equal(cred_key_load(f->key, &key), 0);
        key = cred_key_free(key);
}

static void test_key_malformed(void **state)
{
        struct fixture *f = *state;
        char text[160];
        struct cred_key *key = NULL, *upper = NULL;
        uint8_t id1[CRED_KEY_ID_SIZE], id2[CRED_KEY_ID_SIZE];
        /* Key text with a prefix and suffix, cut to keep characters of the hex key. */
        const struct {
                const char *prefix;
                int keep;
                const char *suffix;
        } variants[] = {
            {"", 63, ""},  {"", 63, "\n"},   {"", 64, "a"}, {"", 64, "\n\n"}, {"", 64, " "},
            {" ", 64, ""}, {"", 64, "\r\n"}, {"", 0, ""},   {"0x", 62, ""},
        };

        for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
                snprintf(text, sizeof(text), "%s%.*s%s", variants[i].prefix, variants[i].keep,
                         f->key_hex, variants[i].suffix);
                write_file(f->key, text, strlen(text), 0600);
                assert_int_equal(cred_key_load(f->key, &key), -EINVAL);
                assert_null(key);
        }
        /* 64 characters, one of them not hex. */
        snprintf(text, sizeof(text), "%s", f->key_hex);
        text[10] = 'g';
        write_file(f->key, text, 64, 0600);
        assert_int_equal(cred_key_load(f->key, &key), -EINVAL);
        /* 65 characters ending in a NUL, not a newline. */
        snprintf(text, sizeof(text), "%s", f->key_hex);
        write_file(f->key, text, 65, 0600);
        assert_int_equal(cred_key_load(f->key, &key), -EINVAL);

        /* Without newline, and in upper case: the same key. */
        write_file(f->key, f->key_hex, 64, 0600);
        assert_int_equal(cred_key_load(f->key, &key), 0);
        for (size_t i = 0; i < 64; i++)
                text[i] = (char)toupper((unsigned char)f->key_hex[i]);
        assert_int_equal(cred_key_parse(text, 64, &upper), 0);
        cred_key_id(key, id1);
        cred_key_id(upper, id2);
        assert_memory_equal(id1, id2, sizeof(id1));
        cred_key_free(key);
        cred_key_free(upper);
        key = NULL;

        /* Not a regular file, or not there. */
        assert_int_equal(unlink(f->key), 0);
        assert_int_equal(cred_key_load(f->key, &key), -ENOENT);
        assert_int_equal(mkfifo(f->key, 0600), 0);
        assert_int_equal(cred_key_load(f->key, &key), -EBADFD);
        assert_int_equal(unlink(f->key), 0);
        assert_int_equal(mkdir(f->key, 0700), 0);
        assert_int_equal(cred_key_load(f->key, &key), -EBADFD);
        assert_null(key);
}

static void test_lock(void **state)
{
        struct fixture *f = *state;
        char lock_path[PATH_MAX + 64];
        struct stat st;
        int fd = -1, other;

        assert_int_equal(cred_store_lock(f->store, &fd), 0);
        snprintf(lock_path, sizeof(lock_path), "%s.lock", f->store);
        assert_int_equal(stat(lock_path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);

        other = open(lock_path, O_RDWR | O_CLOEXEC);
        assert_true(other >= 0);
        assert_int_equal(flock(other, LOCK_EX | LOCK_NB), -1);
        assert_int_equal(errno, EWOULDBLOCK);
        close(fd);
        assert_int_equal(flock(other, LOCK_EX | LOCK_NB), 0);
        close(other);
}

/* ---- the CLI ---- */

static void test_cli_set_get_list_rm(void **state)
{
        struct fixture *f = *state;
        struct exec_result r;
        struct stat a, b;
        json_object *j;

        r = run_cred(f, "first-secret\n", "set", "alpha", NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "credential 'alpha' stored\n");
        assert_string_equal(r.err, "");
        exec_result_clear(&r);

        /* Same bytes: "unchanged", and the file is not rewritten. */
        assert_int_equal(stat(f->store, &a), 0);
        r = run_cred(f, "first-secret\n", "set", "alpha", NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "credential 'alpha' unchanged\n");
        exec_result_clear(&r);
        assert_int_equal(stat(f->store, &b), 0);
        assert_int_equal(a.st_ino, b.st_ino);
        assert_int_equal(a.st_mtim.tv_sec, b.st_mtim.tv_sec);
        assert_int_equal(a.st_mtim.tv_nsec, b.st_mtim.tv_nsec);

        /* Only one trailing newline is stripped; options may follow the verb. */
        r = run_cred(f, "two\n\n", "set", "beta", "--store", f->store, NULL);
        assert_int_equal(r.status, 0);
        exec_result_clear(&r);
        r = run_cred(f, NULL, "get", "beta", NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "two\n\n");
        exec_result_clear(&r);
        r = run_cred(f, NULL, "get", "alpha", NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "first-secret\n");
        exec_result_clear(&r);

        r = run_cred(f, NULL, "list", NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "alpha\nbeta\n");
        exec_result_clear(&r);
        r = run_cred(f, NULL, "list", "--json", NULL);
        assert_int_equal(r.status, 0);
        j = json_tokener_parse(r.out);
        assert_non_null(j);
        assert_true(json_object_is_type(j, json_type_array));
        assert_int_equal(json_object_array_length(j), 2);
        assert_string_equal(json_object_get_string(json_object_array_get_idx(j, 0)), "alpha");
        assert_string_equal(json_object_get_string(json_object_array_get_idx(j, 1)), "beta");
        json_object_put(j);
        assert_null(strstr(r.out, "first-secret"));
        exec_result_clear(&r);

        r = run_cred(f, NULL, "rm", "alpha", NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "credential 'alpha' removed\n");
        exec_result_clear(&r);
        r = run_cred(f, NULL, "get", "alpha", NULL);
        assert_int_equal(r.status, 1);
        assert_string_equal(r.out, "");
        assert_string_equal(r.err, "cannot get credential 'alpha': no such credential\n");
        exec_result_clear(&r);
        r = run_cred(f, NULL, "rm", "alpha", NULL);
        assert_int_equal(r.status, 1);
        assert_string_equal(r.err, "cannot remove credential 'alpha': no such credential\n");
        exec_result_clear(&r);
        assert_int_equal(count_temp_files(f->dir), 0);
}

static void test_cli_limits(void **state)
{
        struct fixture *f = *state;
        static char in[CRED_SECRET_MAX + 3];
        struct exec_result r;

        /* Exactly 4096 bytes plus the newline: accepted and returned intact. */
        memset(in, 'k', CRED_SECRET_MAX);
        strcpy(in + CRED_SECRET_MAX, "\n");
        r = run_cred(f, in, "set", "big", NULL);
        assert_int_equal(r.status, 0);
        exec_result_clear(&r);
        r = run_cred(f, NULL, "get", "big", NULL);
        assert_int_equal(r.status, 0);
        assert_int_equal(strlen(r.out), CRED_SECRET_MAX + 1);
        assert_string_equal(r.out, in);
        exec_result_clear(&r);

        /* One byte more: refused, and the secret is not echoed. */
        memset(in, 'q', CRED_SECRET_MAX + 1);
        strcpy(in + CRED_SECRET_MAX + 1, "\n");
        r = run_cred(f, in, "set", "big", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "longer than 4096 bytes"));
        assert_null(strstr(r.err, "qqqq"));
        exec_result_clear(&r);

        r = run_cred(f, "\n", "set", "empty", NULL);
        assert_int_equal(r.status, 2);
        assert_string_equal(r.err, "cannot set credential 'empty': the secret on stdin is empty\n");
        exec_result_clear(&r);
        r = run_cred(f, NULL, "list", NULL);
        assert_string_equal(r.out, "big\n");
        exec_result_clear(&r);
}

static void test_cli_usage_errors(void **state)
{
        struct fixture *f = *state;
        struct exec_result r;

        r = run_cred(f, NULL, NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "missing cred verb"));
        exec_result_clear(&r);

        r = run_cred(f, "pw\n", "set", "bad/name", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "invalid credential name 'bad/name'"));
        assert_non_null(strstr(r.err, "usage: hasan cred set NAME"));
        exec_result_clear(&r);

        r = run_cred(f, NULL, "get", "a\x1b[2J", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "invalid credential name 'a\\x1b[2J'"));
        exec_result_clear(&r);

        r = run_cred(f, NULL, "frobnicate", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "unknown cred verb 'frobnicate'"));
        exec_result_clear(&r);

        r = run_cred(f, NULL, "get", "a", "b", NULL);
        assert_int_equal(r.status, 2);
        exec_result_clear(&r);

        r = run_cred(f, NULL, "list", "--bogus", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "unrecognized option '--bogus'"));
        exec_result_clear(&r);

        r = run_cred(f, NULL, "get", "a", "--json", NULL);
        assert_int_equal(r.status, 2);
        exec_result_clear(&r);

        r = run_cred(f, NULL, "list", "--store", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "requires an argument"));
        exec_result_clear(&r);

        r = run_cred(f, NULL, "--help", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "hasan cred set NAME"));
        assert_string_equal(r.err, "");
        exec_result_clear(&r);

        /* Nothing was created by any of this. */
        assert_int_equal(access(f->store, F_OK), -1);
}

static void test_cli_missing_store(void **state)
{
        struct fixture *f = *state;
        struct exec_result r;

        r = run_cred(f, NULL, "list", NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "");
        exec_result_clear(&r);
        r = run_cred(f, NULL, "list", "--json", NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "[]\n");
        exec_result_clear(&r);
        r = run_cred(f, NULL, "get", "a", NULL);
        assert_int_equal(r.status, 1);
        assert_string_equal(r.err, "cannot get credential 'a': no such credential\n");
        exec_result_clear(&r);
        r = run_cred(f, NULL, "rm", "a", NULL);
        assert_int_equal(r.status, 1);
        assert_string_equal(r.err, "cannot remove credential 'a': no such credential\n");
        exec_result_clear(&r);
}

static void test_cli_store_errors(void **state)
{
        struct fixture *f = *state;
        const char *secret = "do-not-leak-me";
        char want[PATH_MAX + 256], line[128];
        uint8_t raw[CRED_KEY_SIZE];
        char hex[CRED_KEY_HEX_SIZE + 2];
        struct exec_result r;
        char *good = NULL;
        size_t good_size = 0;
        const struct {
                off_t offset; /* from the start, or from the end if negative */
                const char *reason;
        } cases[] = {
            {0, "not a hasan credential store (or truncated)"},
            {CRED_MAGIC_SIZE, "the key does not match this store (wrong key file?)"},
            {CRED_HEADER_SIZE + 1, "authentication failed: the file was modified or corrupted"},
            {-1, "authentication failed: the file was modified or corrupted"},
        };

        snprintf(line, sizeof(line), "%s\n", secret);
        r = run_cred(f, line, "set", "fence.pdu1", NULL);
        assert_int_equal(r.status, 0);
        exec_result_clear(&r);
        assert_int_equal(read_full_file(f->store, &good, &good_size), 0);

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                off_t off =
                    cases[i].offset >= 0 ? cases[i].offset : (off_t)good_size + cases[i].offset;
                write_file(f->store, good, good_size, 0600);
                flip_byte(f->store, off);
                r = run_cred(f, NULL, "get", "fence.pdu1", NULL);
                assert_int_equal(r.status, 1);
                assert_string_equal(r.out, "");
                snprintf(want, sizeof(want), "cannot open credential store '%s': %s\n", f->store,
                         cases[i].reason);
                assert_string_equal(r.err, want);
                exec_result_clear(&r);
                /* set must not overwrite a store it cannot read. */
                r = run_cred(f, "new\n", "set", "other", NULL);
                assert_int_equal(r.status, 1);
                exec_result_clear(&r);
        }

        /* A different valid key. */
        write_file(f->store, good, good_size, 0600);
        random_key(raw, hex);
        write_file(f->key, hex, 64, 0600);
        r = run_cred(f, NULL, "list", NULL);
        assert_int_equal(r.status, 1);
        snprintf(want, sizeof(want),
                 "cannot open credential store '%s': the key does not match this store (wrong key "
                 "file?)\n",
                 f->store);
        assert_string_equal(r.err, want);
        exec_result_clear(&r);

        /* The key file loosened, then malformed. */
        assert_int_equal(chmod(f->key, 0644), 0);
        r = run_cred(f, NULL, "get", "fence.pdu1", NULL);
        assert_int_equal(r.status, 1);
        snprintf(want, sizeof(want),
                 "cannot read key file '%s': it is accessible by group or others", f->key);
        assert_non_null(strstr(r.err, want));
        assert_non_null(strstr(r.err, "chmod 0600"));
        exec_result_clear(&r);
        write_file(f->key, hex, 63, 0600);
        r = run_cred(f, NULL, "get", "fence.pdu1", NULL);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "malformed: expected exactly 64 hex characters"));
        assert_null(strstr(r.err, hex));
        exec_result_clear(&r);

        /* The store was never replaced by the failed attempts. */
        {
                char *now = NULL;
                size_t now_size = 0;
                assert_int_equal(read_full_file(f->store, &now, &now_size), 0);
                assert_int_equal(now_size, good_size);
                assert_memory_equal(now, good, good_size);
                free(now);
        }
        free(good);
}

static void test_cli_secret_never_in_stderr(void **state)
{
        struct fixture *f = *state;
        const char *secret = "Zq7-secret-marker";
        char line[64];
        struct exec_result r;

        snprintf(line, sizeof(line), "%s\n", secret);
        r = run_cred(f, line, "set", "chap.x", NULL);
        assert_int_equal(r.status, 0);
        assert_null(strstr(r.out, secret));
        assert_null(strstr(r.err, secret));
        exec_result_clear(&r);

        /* Failing paths with the secret on stdin: bad name, bad key. */
        r = run_cred(f, line, "set", "bad name", NULL);
        assert_int_equal(r.status, 2);
        assert_null(strstr(r.err, secret));
        exec_result_clear(&r);
        assert_int_equal(chmod(f->key, 0640), 0);
        r = run_cred(f, line, "set", "chap.y", NULL);
        assert_int_equal(r.status, 1);
        assert_null(strstr(r.err, secret));
        assert_string_equal(r.out, "");
        exec_result_clear(&r);
        assert_int_equal(chmod(f->key, 0600), 0);

        /* list never shows it. */
        r = run_cred(f, NULL, "list", "--json", NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "[\"chap.x\"]\n");
        assert_null(strstr(r.err, secret));
        exec_result_clear(&r);

        /* The store on disk does not contain it either. */
        {
                char *data = NULL;
                size_t size = 0;
                assert_int_equal(read_full_file(f->store, &data, &size), 0);
                assert_null(memmem(data, size, secret, strlen(secret)));
                assert_null(memmem(data, size, "chap.x", 6));
                free(data);
        }
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
        /* A child that exits before reading its stdin must not kill the test. */
        signal(SIGPIPE, SIG_IGN);

        const struct CMUnitTest tests[] = {
            T(test_roundtrip),
            T(test_list_sorted),
            T(test_remove),
            T(test_overwrite_and_unchanged),
            T(test_set_rejects_bad_input),
            T(test_names),
            T(test_format_matches_documentation),
            T(test_store_mode_0600),
            T(test_atomic_replace),
            T(test_failed_write_keeps_old_store),
            T(test_tamper_magic),
            T(test_tamper_header_key_id_and_nonce),
            T(test_tamper_ciphertext),
            T(test_tamper_tag),
            T(test_truncated),
            T(test_wrong_key),
            T(test_malformed_plaintext),
            T(test_store_not_regular),
            T(test_key_mode_refused),
            T(test_key_malformed),
            T(test_lock),
            T(test_cli_set_get_list_rm),
            T(test_cli_limits),
            T(test_cli_usage_errors),
            T(test_cli_missing_store),
            T(test_cli_store_errors),
            T(test_cli_secret_never_in_stderr),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
