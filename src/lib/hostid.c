/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "lib/hostid.h"
#include "shared/fileio.h"
#include "shared/macro.h"

int hostid_read(const char *path, uint32_t *ret)
{
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r;

        r = read_full_file(path, &data, &size);
        if (r < 0)
                return r;
        if (size != sizeof(uint32_t))
                return -EBADMSG;
        memcpy(ret, data, sizeof(uint32_t));
        return 0;
}

int hostid_write(const char *path, uint32_t hostid)
{
        if (hostid == 0)
                return -EINVAL;
        return write_file_atomic(path, &hostid, sizeof(hostid), 0644);
}
