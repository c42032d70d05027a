/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan cred [--store PATH] [--key PATH] set NAME     (secret on stdin)
 * hasan cred [--store PATH] [--key PATH] get NAME
 * hasan cred [--store PATH] [--key PATH] list [--json]
 * hasan cred [--store PATH] [--key PATH] rm NAME
 *
 *   --store PATH   the credential store (default HASAN_CRED_STORE)
 *   --key PATH     the key file: 64 hex characters, mode 0600 (default HASAN_CRED_KEY)
 *   --json         list: print the names as a JSON array
 *   -h, --help     print this help to stdout
 *
 * Options may appear anywhere; "--" ends them. set prints "credential 'NAME'
 * stored", or "unchanged" without rewriting the file when the bytes match.
 * Secrets are read from stdin only and printed by get only. Exit status: 0
 * success, 1 failure, 2 usage error. Format and key handling:
 * docs/credentials.md.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config.h"
#include "cmd/commands.h"
#include "lib/cred.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/verbs.h"

static struct cred_options {
        const char *store;
        const char *key;
        bool json;
} arg;

DEFINE_TRIVIAL_CLEANUP_FUNC(struct cred_key *, cred_key_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct cred_store *, cred_store_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put)

/* The secret read from stdin: room for CRED_SECRET_MAX, one "\n" and one byte too many. */
struct secret_buf {
        uint8_t data[CRED_SECRET_MAX + 2];
        size_t size;
};

static void secret_buf_wipe(struct secret_buf *b)
{
        explicit_bzero(b, sizeof(*b));
}

static int verb_set(int argc, char **argv);
static int verb_get(int argc, char **argv);
static int verb_list(int argc, char **argv);
static int verb_rm(int argc, char **argv);

static const struct verb verbs[] = {
    {"set", 1, 1, verb_set, "set NAME", "store the secret read from stdin under NAME"},
    {"get", 1, 1, verb_get, "get NAME", "print the secret stored under NAME"},
    {"list", 0, 0, verb_list, "list [--json]", "list the stored names, sorted"},
    {"rm", 1, 1, verb_rm, "rm NAME", "remove the credential NAME"},
};

static void help(void)
{
        print_verbs_usage(stdout, "cred", verbs, ELEMENTSOF(verbs));
        printf("\noptions:\n"
               "\t--store PATH   credential store (default %s)\n"
               "\t--key PATH     key file, 64 hex characters, mode 0600 (default %s)\n"
               "\t--json         list: print a JSON array of names\n"
               "\t-h, --help     print this help\n"
               "\nset reads the secret from stdin (at most %d bytes; one trailing newline is\n"
               "stripped). Secrets are never taken from the command line.\n",
               HASAN_CRED_STORE, HASAN_CRED_KEY, CRED_SECRET_MAX);
}

static int usage_error(const char *synopsis)
{
        fprintf(stderr, "usage: hasan cred %s\n", synopsis);
        return EXIT_USAGE;
}

/* Print an operator-supplied string safely: control bytes as \xHH, capped in length. */
static void fprint_sanitized(FILE *f, const char *s)
{
        size_t i;

        for (i = 0; i < 80 && s[i]; i++) {
                unsigned char c = (unsigned char)s[i];
                if (isprint(c) && c != '\\')
                        fputc(c, f);
                else
                        fprintf(f, "\\x%02x", c);
        }
        if (s[i])
                fputs("...", f);
}

static int check_name(const char *name, const char *synopsis)
{
        if (cred_name_is_valid(name))
                return 0;
        fputs("invalid credential name '", stderr);
        fprint_sanitized(stderr, name);
        fprintf(stderr, "': use 1-%d characters of A-Z a-z 0-9 . _ -\n", CRED_NAME_MAX);
        return usage_error(synopsis);
}

static int check_no_json(const char *verb, const char *synopsis)
{
        if (!arg.json)
                return 0;
        log_error("option '--json' is only valid with 'list', not '%s'", verb);
        return usage_error(synopsis);
}

static int load_key(struct cred_key **ret)
{
        int r = cred_key_load(arg.key, ret);

        switch (r) {
        case 0:
                return 0;
        case -EBADFD:
                log_error("cannot read key file '%s': not a regular file", arg.key);
                break;
        case -EPERM:
                log_error("cannot read key file '%s': it is accessible by group or others\n"
                          "fix it with: chmod 0600 '%s'",
                          arg.key, arg.key);
                break;
        case -EINVAL:
                log_error("cannot read key file '%s': malformed: expected exactly %d hex "
                          "characters and an optional trailing newline",
                          arg.key, CRED_KEY_HEX_SIZE);
                break;
        case -ENOENT:
                log_error("cannot read key file '%s': No such file or directory\n"
                          "generate one with: (umask 077; openssl rand -hex 32 > '%s')",
                          arg.key, arg.key);
                break;
        default:
                log_error_errno(r, "cannot read key file '%s'", arg.key);
        }
        return r;
}

/* Load the store; a missing store is returned as -ENOENT without logging. */
static int load_store(const struct cred_key *key, struct cred_store **ret)
{
        const char *reason;
        int r = cred_store_load(arg.store, key, ret);

        switch (r) {
        case 0:
        case -ENOENT:
                return r;
        case -EBADFD:
                reason = "not a regular file";
                break;
        case -EPROTO:
                reason = "not a hasan credential store (or truncated)";
                break;
        case -EKEYREJECTED:
                reason = "the key does not match this store (wrong key file?)";
                break;
        case -EBADMSG:
                reason = "authentication failed: the file was modified or corrupted";
                break;
        case -EUCLEAN:
                reason = "the store is corrupted (it authenticates but its contents are malformed)";
                break;
        case -EFBIG:
                reason = "the file is too large to be a credential store";
                break;
        default:
                return log_error_errno(r, "cannot open credential store '%s'", arg.store);
        }
        log_error("cannot open credential store '%s': %s", arg.store, reason);
        return r;
}

static int lock_store(int *ret_fd)
{
        int r = cred_store_lock(arg.store, ret_fd);

        if (r < 0)
                return log_error_errno(r, "cannot lock credential store '%s.lock'", arg.store);
        return 0;
}

static int save_store(const struct cred_store *store, const struct cred_key *key)
{
        int r = cred_store_save(store, arg.store, key);

        if (r < 0)
                return log_error_errno(r, "cannot write credential store '%s'", arg.store);
        return 0;
}

static int read_secret(struct secret_buf *b)
{
        b->size = 0;
        while (b->size < sizeof(b->data)) {
                ssize_t k = read(STDIN_FILENO, b->data + b->size, sizeof(b->data) - b->size);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                b->size += (size_t)k;
        }
        if (b->size > 0 && b->data[b->size - 1] == '\n')
                b->size--;
        /* A full buffer minus one newline is still one byte too long. */
        return b->size > CRED_SECRET_MAX ? -EMSGSIZE : 0;
}

static int verb_set(int argc, char **argv)
{
        _cleanup_(secret_buf_wipe) struct secret_buf secret = {0};
        _cleanup_(cred_key_freep) struct cred_key *key = NULL;
        _cleanup_(cred_store_freep) struct cred_store *store = NULL;
        _cleanup_close_ int lock_fd = -1;
        const char *name = argv[1];
        int r;

        if (check_no_json("set", "set NAME") || check_name(name, "set NAME"))
                return EXIT_USAGE;

        r = read_secret(&secret);
        if (r == -EMSGSIZE) {
                log_error("cannot set credential '%s': the secret on stdin is longer than %d bytes",
                          name, CRED_SECRET_MAX);
                return EXIT_USAGE;
        }
        if (r < 0) {
                log_error_errno(r, "cannot set credential '%s': cannot read stdin", name);
                return EXIT_FAIL;
        }
        if (secret.size == 0) {
                log_error("cannot set credential '%s': the secret on stdin is empty", name);
                return EXIT_USAGE;
        }

        if (load_key(&key) < 0 || lock_store(&lock_fd) < 0)
                return EXIT_FAIL;
        r = load_store(key, &store);
        if (r == -ENOENT) {
                /* No store yet: this set creates it. */
                r = cred_store_new(&store);
                if (r < 0) {
                        log_error_errno(r, "cannot set credential '%s'", name);
                        return EXIT_FAIL;
                }
        }
        if (r < 0)
                return EXIT_FAIL;

        r = cred_store_set(store, name, secret.data, secret.size);
        if (r < 0) {
                log_error_errno(r, "cannot set credential '%s'", name);
                return EXIT_FAIL;
        }
        if (r == 0) {
                printf("credential '%s' unchanged\n", name);
                return EXIT_OK;
        }
        if (save_store(store, key) < 0)
                return EXIT_FAIL;
        printf("credential '%s' stored\n", name);
        return EXIT_OK;
}

static int verb_get(int argc, char **argv)
{
        _cleanup_(cred_key_freep) struct cred_key *key = NULL;
        _cleanup_(cred_store_freep) struct cred_store *store = NULL;
        const char *name = argv[1];
        const uint8_t *secret;
        size_t size;
        int r;

        if (check_no_json("get", "get NAME") || check_name(name, "get NAME"))
                return EXIT_USAGE;
        if (load_key(&key) < 0)
                return EXIT_FAIL;
        r = load_store(key, &store);
        if (r == -ENOENT) {
                log_error("cannot get credential '%s': no such credential", name);
                return EXIT_FAIL;
        }
        if (r < 0)
                return EXIT_FAIL;

        r = cred_store_get(store, name, &secret, &size);
        if (r == -ENOENT) {
                log_error("cannot get credential '%s': no such credential", name);
                return EXIT_FAIL;
        }
        if (r < 0) {
                log_error_errno(r, "cannot get credential '%s'", name);
                return EXIT_FAIL;
        }

        /* Straight to the fd: no stdio buffer keeps a copy of the secret. */
        fflush(stdout);
        r = write_all(STDOUT_FILENO, secret, size);
        if (r >= 0)
                r = write_all(STDOUT_FILENO, "\n", 1);
        if (r < 0) {
                log_error_errno(r, "cannot get credential '%s': cannot write to stdout", name);
                return EXIT_FAIL;
        }
        return EXIT_OK;
}

static int verb_list(int argc, char **argv)
{
        _cleanup_(cred_key_freep) struct cred_key *key = NULL;
        _cleanup_(cred_store_freep) struct cred_store *store = NULL;
        int r;

        if (load_key(&key) < 0)
                return EXIT_FAIL;
        r = load_store(key, &store);
        if (r < 0 && r != -ENOENT)
                return EXIT_FAIL;

        if (arg.json) {
                _cleanup_(json_object_putp) json_object *array = json_object_new_array();

                if (!array) {
                        log_error_errno(-ENOMEM, "cannot list credentials");
                        return EXIT_FAIL;
                }
                for (size_t i = 0; i < cred_store_count(store); i++) {
                        json_object *s = json_object_new_string(cred_store_name(store, i));
                        if (!s || json_object_array_add(array, s) < 0) {
                                json_object_put(s);
                                log_error_errno(-ENOMEM, "cannot list credentials");
                                return EXIT_FAIL;
                        }
                }
                printf("%s\n", json_object_to_json_string_ext(array, JSON_C_TO_STRING_PLAIN));
        } else
                for (size_t i = 0; i < cred_store_count(store); i++)
                        printf("%s\n", cred_store_name(store, i));

        if (fflush(stdout) != 0) {
                log_error_errno(-errno, "cannot list credentials: cannot write to stdout");
                return EXIT_FAIL;
        }
        return EXIT_OK;
}

static int verb_rm(int argc, char **argv)
{
        _cleanup_(cred_key_freep) struct cred_key *key = NULL;
        _cleanup_(cred_store_freep) struct cred_store *store = NULL;
        _cleanup_close_ int lock_fd = -1;
        const char *name = argv[1];
        int r;

        if (check_no_json("rm", "rm NAME") || check_name(name, "rm NAME"))
                return EXIT_USAGE;
        if (load_key(&key) < 0)
                return EXIT_FAIL;

        r = cred_store_lock(arg.store, &lock_fd);
        if (r == -ENOENT) {
                /* The store's directory does not exist, so neither does the store. */
                log_error("cannot remove credential '%s': no such credential", name);
                return EXIT_FAIL;
        }
        if (r < 0) {
                log_error_errno(r, "cannot lock credential store '%s.lock'", arg.store);
                return EXIT_FAIL;
        }

        r = load_store(key, &store);
        if (r == -ENOENT) {
                log_error("cannot remove credential '%s': no such credential", name);
                return EXIT_FAIL;
        }
        if (r < 0)
                return EXIT_FAIL;

        r = cred_store_remove(store, name);
        if (r == -ENOENT) {
                log_error("cannot remove credential '%s': no such credential", name);
                return EXIT_FAIL;
        }
        if (r < 0) {
                log_error_errno(r, "cannot remove credential '%s'", name);
                return EXIT_FAIL;
        }
        if (save_store(store, key) < 0)
                return EXIT_FAIL;
        printf("credential '%s' removed\n", name);
        return EXIT_OK;
}

int cmd_cred(int argc, char **argv)
{
        enum {
                ARG_STORE = 0x100,
                ARG_KEY,
                ARG_JSON,
        };
        static const struct option options[] = {
            {"help", no_argument, NULL, 'h'},
            {"store", required_argument, NULL, ARG_STORE},
            {"key", required_argument, NULL, ARG_KEY},
            {"json", no_argument, NULL, ARG_JSON},
            {},
        };
        int c;

        arg = (struct cred_options){.store = HASAN_CRED_STORE, .key = HASAN_CRED_KEY};

        /* optind = 0 re-initializes getopt; permutation lets options follow the verb. */
        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, ":h", options, NULL)) >= 0) {
                switch (c) {
                case 'h':
                        help();
                        return EXIT_OK;
                case ARG_STORE:
                        if (!*optarg) {
                                log_error("option '--store' needs a non-empty path");
                                return EXIT_USAGE;
                        }
                        arg.store = optarg;
                        break;
                case ARG_KEY:
                        if (!*optarg) {
                                log_error("option '--key' needs a non-empty path");
                                return EXIT_USAGE;
                        }
                        arg.key = optarg;
                        break;
                case ARG_JSON:
                        arg.json = true;
                        break;
                case ':':
                        log_error("option '%s' requires an argument", argv[optind - 1]);
                        print_verbs_usage(stderr, "cred", verbs, ELEMENTSOF(verbs));
                        return EXIT_USAGE;
                default:
                        if (optopt)
                                log_error("unrecognized option '-%c'", optopt);
                        else
                                log_error("unrecognized option '%s'", argv[optind - 1]);
                        print_verbs_usage(stderr, "cred", verbs, ELEMENTSOF(verbs));
                        return EXIT_USAGE;
                }
        }

        return dispatch_verb("cred", verbs, ELEMENTSOF(verbs), argc - optind, argv + optind);
}
