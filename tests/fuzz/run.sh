#!/bin/sh
# Builds the libFuzzer targets over vfio/user/msg.c, the hand-off
# request line, the xattr values, the irq command line, PCI addresses, IOVAs,
# the command line with its mount options, the register descriptions and
# values of regmap/, and trace lines and whole traces, straight from the sources
# (clang -fsanitize=fuzzer,address,undefined) and runs each for a bounded
# time.  Ends with "fuzz: N passed, N failed" (one per target).
#   FUZZ_TIME   seconds per target (default 20)
#   FUZZ_OUT    build and corpus directory (default /var/tmp/vfiofs-fuzz)
set -u
cd "$(dirname "$0")/../.."
TIME=${FUZZ_TIME:-20}
OUT=${FUZZ_OUT:-/var/tmp/vfiofs-fuzz}
mkdir -p "$OUT"

if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang not found (Debian package clang); nothing run"
	echo "fuzz: 0 passed, 0 failed"
	exit 0
fi
FLAGS="-g -O1 -std=gnu11 -D_GNU_SOURCE -I. -Iinclude -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
CFLAGS_DEPS=$(pkg-config --cflags glib-2.0 json-glib-1.0) || exit 1
LIBS_DEPS=$(pkg-config --libs glib-2.0 json-glib-1.0) || exit 1
FUSE_DEPS=$(pkg-config --cflags --libs fuse3) || exit 1
python3 tests/fuzz/seeds.py "$OUT/seeds" || exit 1

passed=0
failed=0

# run_target NAME NUMBER SOURCE...: builds one target and runs it for TIME seconds.
run_target() {
	local target=$1 number=$2 bin="$OUT/fuzz_$1"
	shift 2
	# shellcheck disable=SC2086
	if ! clang $FLAGS $CFLAGS_DEPS -DFUZZ_TARGET="$number" "$@" $LIBS_DEPS -o "$bin" \
		2>"$OUT/$target.build.log"; then
		echo "not ok - $target: build failed (see $OUT/$target.build.log)"
		failed=$((failed + 1))
		return
	fi
	mkdir -p "$OUT/corpus/$target"
	if "$bin" -max_total_time="$TIME" -timeout=5 -rss_limit_mb=2048 \
		-artifact_prefix="$OUT/$target-" "$OUT/corpus/$target" "$OUT/seeds/$target" \
		>"$OUT/$target.log" 2>&1; then
		echo "ok - $target: $(grep -o 'Done [0-9]* runs' "$OUT/$target.log" | tail -1) in ${TIME}s"
		passed=$((passed + 1))
	else
		echo "not ok - $target: see $OUT/$target.log and $OUT/$target-*"
		failed=$((failed + 1))
	fi
}

n=0
for target in header version region_info info dma region_reply; do
	n=$((n + 1))
	run_target "$target" "$n" tests/fuzz/fuzz_vfio_user_msg.c vfio/user/msg.c vfio/info_cap.c
done
PARSERS="tests/fuzz/fuzz_parsers.c fs/handoff/handoff_wire.c vfio/fd_passing.c fs/xattr_value.c vfio/iova.c vfio/pci_addr.c vfio/error.c"
n=0
for target in handoff_request xattr_iova xattr_attach; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	run_target "$target" "$n" $PARSERS
done
# What users write to a device's irq file; seeds kept in tests/fuzz/corpus/.
mkdir -p "$OUT/seeds/irq_command"
cp tests/fuzz/corpus/irq_command/* "$OUT/seeds/irq_command/"
run_target irq_command 1 tests/fuzz/fuzz_irq_command.c fs/irq/irq_command.c vfio/error.c
# What users type: PCI addresses, IOVAs, the command line and its -o options
# (over libfuse's own parsers); seeds kept in tests/fuzz/corpus/.
INPUTS="tests/fuzz/fuzz_inputs.c src/options.c vfio/pci_addr.c vfio/iova.c vfio/error.c"
n=0
for target in pci_addr iova options; do
	n=$((n + 1))
	mkdir -p "$OUT/seeds/$target"
	cp tests/fuzz/corpus/"$target"/* "$OUT/seeds/$target/"
	# shellcheck disable=SC2086
	run_target "$target" "$n" $INPUTS $FUSE_DEPS
done
# Register descriptions (both formats; the examples and small descriptions
# seed it), the values users write to register files, FILE@barN+OFFSET.
if XML_DEPS=$(pkg-config --cflags --libs libxml-2.0); then
	n=0
	for target in regmap_description regmap_value regmap_spec; do
		n=$((n + 1))
		mkdir -p "$OUT/seeds/$target"
		cp tests/fuzz/corpus/"$target"/* "$OUT/seeds/$target/"
		[ "$target" = regmap_description ] && cp examples/regmaps/* "$OUT/seeds/$target/"
		# shellcheck disable=SC2086
		run_target "$target" "$n" tests/fuzz/fuzz_regmap.c regmap/*.c $XML_DEPS
	done
else
	echo "not ok - regmap: libxml-2.0 not found (Debian package libxml2-dev)"
	failed=$((failed + 1))
fi
# What vfiofs-replay reads: trace lines and whole traces (trace/); seeds kept
# in tests/fuzz/corpus/.
TRACE="tests/fuzz/fuzz_trace.c trace/trace_names.c trace/trace_line.c trace/trace_digits.c trace/trace_header.c
	trace/trace_reader.c trace/trace_collapse.c trace/trace_iova.c trace/trace_compare.c
	trace/trace_report.c trace/trace_diff.c"
n=0
for target in trace_line trace_file; do
	n=$((n + 1))
	mkdir -p "$OUT/seeds/$target"
	cp tests/fuzz/corpus/"$target"/* "$OUT/seeds/$target/"
	# shellcheck disable=SC2086
	run_target "$target" "$n" $TRACE
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
