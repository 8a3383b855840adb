#!/usr/bin/env bash
# s3_repeated_fork.sh - the seed article's repeated-fork program (mm:
# prevent endless growth of anon_vma hierarchy, 7a3ef208e662): a process
# with one written anonymous page forks a child and exits, the child
# forks and exits, ... for 1000 generations. The rmapsim script is made
# here with a loop; the expected output is built from the numbers worked
# out below (kernel-spec §5.4-§5.6, §5.9, §12.1), never from a run.
#
# Generation g is pid g; step g is "fork g" (gives g + 1) then "exit g".
# Page f = 0x7efffffff000 is written once by pid 1 (anon_vma 1, pfn 1).
#
# vm.anon_vma_reuse 1 (v5.15.0's degree rule):
#   step 1: anon_vma 2 {parent 1}; after exit 1: AV1 degree 2 (self +
#     child 2), AV2 degree 1 (pid 2's VMA).
#   step 2: clone over [AV1, AV2]: AV1 degree 2, AV2 is the parent VMA's
#     own: no reuse; anon_vma 3 {parent 2}, AV2 degree 2; exit 2 drops
#     pid 2's VMA: AV2 degree 1 (one child, no VMA).
#   step 3: AV2 (degree 1, not the source's) is reused, degree 2; exit 3
#     drops pid 3's VMA from AV3: degree 0 (AV3 stays: pid 4 links it).
#   step 4: the source's anon_vma is AV2, so AV3 (degree 0) is reused;
#     exit 4: AV2 degree 1. From then on odd steps reuse AV2 and even
#     steps AV3: three anon_vmas for ever, 3 allocations, 998 reuses
#     (steps 3..1000). After step 1000 (even): pid 1001 uses AV3 (degree
#     1), AV2 degree 1 (its child AV3), AV1 degree 2 and refcount 3
#     (owner + AV2 + AV3). One VMA, its chain [AV3, AV2, AV1]: 3 AVCs.
#   anon_vma count after step g: 2 for g = 1, then 3.
# vm.anon_vma_reuse 0 (before the fix): every fork allocates; nothing is
#   freed at exit, since the child's AVC keeps every tree non-empty.
#   After step g: g + 1 anon_vmas, one VMA whose chain has g + 1 AVCs.
#   After step 1000: AV1 degree 2 (self + child AV2), refcount 1001
#   (owner + 1000 descendants); AV k (1 < k < 1001) degree 1 (its child),
#   refcount 1, parent k - 1; AV1001 degree 1 (pid 1001's VMA).
# Both: pgfault 1 (the one write), the page is shared by nobody at the
# end (nr_anon_pages 1, nr_free_pages 262144 - 2), 2 page-table pages.
# Slab lines: ceil(objects / per-slab) slabs, 46 anon_vma and 64 AVCs
# per slab (docs/files.md "/slabinfo").
source "$(dirname "$0")/lib.sh"

GENS=1000
SAMPLES=" 1 2 3 10 100 500 1000 "
F=0x7efffffff000
RANGE="7efffffff000-7f0000000000 pgoff 0x7efffffff-0x7efffffff"

slab_line() {	# NAME OBJECTS OBJSIZE PER-SLAB
	local s=$((($2 + $4 - 1) / $4))
	printf '%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu\n' \
		"$1" "$2" "$2" "$3" "$4" 1 0 0 0 "$s" "$s" 0
}
slabinfo_text() {	# ANON_VMAS AVCS VMAS
	echo 'slabinfo - version: 2.1'
	echo '# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>'
	slab_line anon_vma "$1" 88 46
	slab_line anon_vma_chain "$2" 64 64
	slab_line vm_area_struct "$3" 200 20
}
av_text() {	# ID ROOT PARENT REFCOUNT DEGREE MARK PAGES
	printf 'id:\t%s\nroot:\t%s\nparent:\t%s\nrefcount:\t%s\ndegree:\t%s\navcs:\t1\n' "$1" "$2" "$3" "$4" "$5"
	printf '%s %s%s\n' $((GENS + 1)) "$RANGE" "$6"
	if [ "$7" = 1 ]; then printf 'pages:\t1\n1 0x7efffffff\n'; else printf 'pages:\t0\n'; fi
}
vmstat_text() {	# ALLOC REUSE
	printf '%s\n' "nr_free_pages 262142" "nr_anon_pages 1" "nr_mapped 0" \
		"nr_file_pages 0" "nr_shmem 0" "nr_page_table_pages 2" \
		"nr_swapcached 0" "pswpin 0" "pswpout 0" "pgactivate 0" \
		"pgdeactivate 0" "pgfault 1" "pgmajfault 0" "pgreuse 0" \
		"pgsteal_direct 0" "pgscan_direct 0" "pgmigrate_success 0" \
		"unevictable_pgs_mlocked 0" "unevictable_pgs_munlocked 0" \
		"sim_cow_copy 0" "sim_zero_page_cow 0" \
		"sim_zero_page_map 0" "sim_anon_fault 1" "sim_anon_vma_alloc $1" \
		"sim_anon_vma_reuse $2" "sim_anon_vma_neighbour 0" "sim_sigsegv 0" "sim_sigbus 0"
}

# script REUSE: the command lines, with a check and the slab counts at
# the sample generations, and the final files.
script() {
	local g
	echo "sysctl vm.anon_vma_reuse $1"
	echo "spawn"
	echo "mmap 1 0 4096 rw- private"
	echo "write 1 $F 1"
	for ((g = 1; g <= GENS; g++)); do
		echo "fork $g"
		echo "exit $g"
		if [[ $SAMPLES == *" $g "* ]]; then
			echo "check"
			echo "cat slabinfo"
		fi
	done
	echo "read $((GENS + 1)) $F"
	if [ "$1" = 1 ]; then
		echo "cat anon_vma/1 anon_vma/2 anon_vma/3 vmstat"
	else
		echo "cat anon_vma/1 anon_vma/2 anon_vma/$GENS anon_vma/$((GENS + 1)) vmstat"
	fi
}

# expected REUSE: what rmapsim must print for script REUSE.
expected() {
	local g n
	echo 1
	echo 0x7efffffff000
	for ((g = 1; g <= GENS; g++)); do
		echo $((g + 1))
		if [[ $SAMPLES == *" $g "* ]]; then
			echo ok
			if [ "$1" = 1 ]; then
				n=$((g == 1 ? 2 : 3))
			else
				n=$((g + 1))
			fi
			slabinfo_text "$n" "$n" 1
		fi
	done
	echo 1
	if [ "$1" = 1 ]; then
		av_text 1 1 1 3 2 "" 1
		av_text 2 1 1 1 1 "" 0
		av_text 3 1 2 1 1 " anon_vma" 0
		vmstat_text 3 $((GENS - 2))
	else
		av_text 1 1 1 $((GENS + 1)) 2 "" 1
		av_text 2 1 1 1 1 "" 0
		av_text "$GENS" 1 $((GENS - 1)) 1 1 "" 0
		av_text $((GENS + 1)) 1 "$GENS" 1 1 " anon_vma" 0
		vmstat_text $((GENS + 1)) 0
	fi
}

for reuse in 1 0; do
	script "$reuse" >"$TMPROOT/reuse$reuse.rmap"
	expected "$reuse" >"$TMPROOT/reuse$reuse.expected"
	rc=0
	"$RMAPSIM" "$TMPROOT/reuse$reuse.rmap" >"$TMPROOT/reuse$reuse.out" \
		2>"$TMPROOT/reuse$reuse.err" || rc=$?
	[ "$rc" -eq 0 ] || mismatch "vm.anon_vma_reuse $reuse: rmapsim exited $rc: $(cat "$TMPROOT/reuse$reuse.err")"
	if ! diff -u --label "expected (vm.anon_vma_reuse $reuse)" --label "rmapsim" \
		"$TMPROOT/reuse$reuse.expected" "$TMPROOT/reuse$reuse.out" \
		>"$TMPROOT/reuse$reuse.diff"; then
		head -n 60 "$TMPROOT/reuse$reuse.diff" >&2
		mismatch "vm.anon_vma_reuse $reuse: output differs (first 60 diff lines above)"
	fi
done
finish
