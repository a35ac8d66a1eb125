# summary.sh - sourced by the test runners: the closing summary that every
# test group prints. Uses the caller's passed, failed, skipped, failures[].
print_summary() {
	local f
	for f in "${failures[@]}"; do
		echo "FAILED: $f"
	done
	[ "$skipped" -gt 0 ] && echo "($skipped skipped; reasons above)"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
