#!/bin/sh
# Write a large config.json (about 100 KB, one seccomp rule per syscall)
# for bench/parse-bench.c to stdout.
#
#   bench/make-big-config.sh [SECCOMP_PROFILE] > big.json
#
# Syscall names come from a containers seccomp profile when one is given or
# found (/usr/share/containers/seccomp.json, Debian package
# containers-common) and jq is installed; otherwise 400 made-up names are
# used.  Every other rule carries argument conditions.
set -eu

profile=${1:-/usr/share/containers/seccomp.json}

names() {
  if [ -r "$profile" ] && command -v jq > /dev/null 2>&1; then
    jq -r '.syscalls[].names[]' "$profile"
  else
    i=0
    while [ $i -lt 400 ]; do
      echo "syscall_$i"
      i=$((i + 1))
    done
  fi
}

names | awk '
BEGIN {
  printf "{\n  \"ociVersion\": \"1.3.0\",\n"
  printf "  \"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
  printf "  \"process\": {\n    \"args\": [ \"/bin/sh\" ],\n    \"cwd\": \"/\",\n"
  printf "    \"user\": { \"uid\": 0, \"gid\": 0 },\n    \"env\": [\n"
  for (i = 0; i < 150; i++)
    printf "      \"VARIABLE_NUMBER_%d=some value for variable %d\"%s\n", i, i, i < 149 ? "," : ""
  printf "    ],\n    \"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": 1024 } ]\n  },\n"
  printf "  \"mounts\": [\n"
  for (i = 0; i < 80; i++)
    printf "    { \"destination\": \"/mnt/volume%d\", \"type\": \"bind\", \"source\": \"/srv/volumes/volume%d\", \"options\": [ \"rbind\", \"nosuid\", \"nodev\", \"ro\" ] }%s\n", i, i, i < 79 ? "," : ""
  printf "  ],\n  \"linux\": {\n"
  printf "    \"namespaces\": [ { \"type\": \"pid\" }, { \"type\": \"mount\" }, { \"type\": \"network\" }, { \"type\": \"ipc\" }, { \"type\": \"uts\" } ],\n"
  printf "    \"maskedPaths\": [ \"/proc/acpi\", \"/proc/kcore\", \"/proc/keys\", \"/proc/timer_list\", \"/sys/firmware\" ],\n"
  printf "    \"readonlyPaths\": [ \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\" ],\n"
  printf "    \"resources\": { \"memory\": { \"limit\": 536870912 }, \"pids\": { \"limit\": 1024 } },\n"
  printf "    \"seccomp\": {\n      \"defaultAction\": \"SCMP_ACT_ERRNO\",\n      \"defaultErrnoRet\": 1,\n"
  printf "      \"architectures\": [ \"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\" ],\n"
  printf "      \"syscalls\": [\n"
  n = 0
}
{
  if (n++ > 0)
    printf ",\n"
  if (n % 2 == 0)
    printf "        { \"names\": [ \"%s\" ], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [ { \"index\": 0, \"value\": 2080505856, \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\" }, { \"index\": 1, \"value\": 18446744073709551615, \"op\": \"SCMP_CMP_NE\" } ] }", $0
  else
    printf "        { \"names\": [ \"%s\" ], \"action\": \"SCMP_ACT_ALLOW\" }", $0
}
END {
  printf "\n      ]\n    }\n  }\n}\n"
}'
