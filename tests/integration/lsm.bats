#!/usr/bin/env bats
# Linux security modules: AppArmor profiles, SELinux process and mount
# labels, as far as this host's kernel allows.

load helpers

apparmor_enabled ()
{
  [[ $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null) == Y ]]
}

selinux_enabled ()
{
  grep -qw selinuxfs /proc/filesystems && [[ -e /sys/fs/selinux/enforce ]]
}

@test "an AppArmor profile on a host without AppArmor fails create and leaves nothing" {
  apparmor_enabled && skip "AppArmor is enabled on this host: the error path does not apply"
  make_bundle "$BUNDLE" true
  update_config '.process.apparmorProfile = "ocirt-test-profile"'
  id=$(new_id)
  run ocirt run --bundle "$BUNDLE" "$id" </dev/null
  assert_failure
  assert_output --partial 'apparmor profile "ocirt-test-profile" requested, but AppArmor is not enabled on this host'
  run ocirt list -q
  refute_output --partial "$id"
  [[ -z $(cgroup_dirs_of "$id") ]]
}

@test "exec with --apparmor on a host without AppArmor fails" {
  apparmor_enabled && skip "AppArmor is enabled on this host: the error path does not apply"
  make_bundle "$BUNDLE" sleep 3600
  id=$(new_id)
  start_container "$id"
  run ocirt exec --apparmor ocirt-test-profile "$id" true
  assert_failure
  assert_output --partial "AppArmor is not enabled"
}

@test "an AppArmor profile is applied where AppArmor is enabled" {
  apparmor_enabled || skip "AppArmor is not enabled on this host (/sys/module/apparmor/parameters/enabled is not Y)"
  make_bundle "$BUNDLE" cat /proc/self/attr/current
  update_config '.process.apparmorProfile = "unconfined"'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_output --partial unconfined
}

@test "an SELinux process label is ignored while SELinux is disabled" {
  selinux_enabled && skip "SELinux is enabled on this host: the label would be applied"
  # With no LSM, reading the label fails (EINVAL): only the process
  # having started counts.
  make_bundle "$BUNDLE" sh -c 'cat /proc/self/attr/current 2>/dev/null; echo started'
  update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_line started
  refute_output --partial container_t
}

@test "a mountLabel is ignored while SELinux is disabled" {
  selinux_enabled && skip "SELinux is enabled on this host: the label would be applied"
  make_bundle "$BUNDLE" sh -c 'grep -c context= /proc/self/mountinfo; true'
  update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0"'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_output 0
}

@test "an SELinux label is applied where SELinux is enabled" {
  selinux_enabled || skip "SELinux is not enabled on this kernel (no selinuxfs)"
  make_bundle "$BUNDLE" cat /proc/self/attr/current
  update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_output --partial container_t
}
