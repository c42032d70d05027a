/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Largest file read_full_file() accepts; descriptions and stores are small. */
#define READ_FULL_FILE_MAX (16u * 1024u * 1024u)

/*
 * Read a whole file into a NUL-terminated buffer. Returns 0 and sets
 * *ret_data / *ret_size on success, -errno on failure (-EFBIG when the file
 * exceeds READ_FULL_FILE_MAX).
 */
int read_full_file(const char *path, char **ret_data, size_t *ret_size);

/* Write all of data to fd, retrying short writes and EINTR. Returns 0 or -errno. */
int write_all(int fd, const void *data, size_t size);

/*
 * Replace path atomically with data: a temporary file in the same directory
 * (mode 0600 while written, then the given mode), fsync, rename over path, fsync
 * of the directory. On failure the old file is untouched and the temporary
 * file is removed. Returns 0 or -errno.
 */
int write_file_atomic(const char *path, const void *data, size_t size, mode_t mode);

/*
 * Take an exclusive flock on path (created 0600 if missing), waiting at
 * most wait_ms for another holder. Returns 0 with *ret_fd set (closing it
 * releases the lock), -EWOULDBLOCK when the wait ran out, or -errno.
 */
int lock_file_wait(const char *path, unsigned wait_ms, int *ret_fd);
