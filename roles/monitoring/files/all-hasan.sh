#!/bin/sh
# hasan: every ZFS event to the journal, and to the webhook of
# /etc/hasan/zed-webhook.conf if there is one (docs/monitoring.md).
# ZED runs zedlets whose name starts with "all-" for every event, with the
# event in ZEVENT_* variables. Installed by roles/monitoring.
exec /usr/bin/hasan zed-event
