;; Montgomery arithmetic for odd moduli up to 8192 bits, in WebAssembly text.
;;
;; Compiled twice by packages/crypto/scripts/build-wasm.mjs: once with 128-bit SIMD
;; (`simd`) and once with plain i64 arithmetic (`scalar`). Lines between `;;#if simd`,
;; `;;#else` and `;;#endif` belong to one variant only; `;;#define NAME` … `;;#enddef`
;; declares a text macro that `;;#expand NAME` pastes in place (the inner loops are inlined
;; this way because a call per column costs more than the column itself for small n).
;;
;; Representation. A number x < 2^(w·n) is n limbs of w bits (n even), one limb per
;; 32-bit word, little-endian, followed by zero padding up to the stride P (a multiple of
;; 4, at least n + 4). Inner loops read whole 4-limb chunks and rely on that padding being
;; zero. Most routines also keep a reversed copy xr[i] = x[n-1-i], preceded by at least
;; one zero limb, so that a product column Σ a_i·b_{k-i} is a dot product of two arrays
;; read forwards.
;;
;; Multiplication is product scanning with interleaved Montgomery reduction (Koç, Acar,
;; Kaliski 1996, "FIPS"), two columns per pass: column k accumulates Σ a_i·b_{k-i} +
;; Σ m_i·N_{k-i} without carry propagation. Each accumulator lane receives at most
;; (n+4)/2 products below 2^(2w) in the SIMD variant, n + 4 in the scalar one (a doubled
;; product counting twice). That fits 64 bits for SIMD with w = 29 up to n = 124, else
;; w = 28 (n ≤ 508), and for scalar with w = 28 up to n = 252, else w = 27 (n ≤ 1020);
;; the caller picks w and n (engine.ts, limbLayout). Accumulators are split into their
;; low w bits and high parts before they are added, so no sum of them has to fit 64 bits.
;; R = 2^(w·n) ≥ 4N, so inputs and outputs stay below 2N with no final subtraction
;; (Walter 1999); one constant-time subtraction ends an exponentiation.
;;
;; Memory below 1088 belongs to the module: lane masks at 16…63, select_ct's entry masks
;; at 64…1087 (up to 64 entries).
;;
;; Context header at ctx (i32 fields, byte offsets):
;;   0 n   4 w   8 n0inv = −N⁻¹ mod 2^w   12 P (stride in limbs)   16 &N   20 &Nrev
;;   24 &m (scratch, P limbs)   28 &R²rev   32 &(R mod N)   36 &1rev   40 &tmp (P limbs)
;;
;; Security: the sequence of instructions and memory addresses depends only on n, w and
;; public loop counts; table look-ups in modexp_ct read every entry.
(module
  (memory (export "memory") 8)

  ;; Squarings run by modexp_ct so far (wraps at 2^32). Public: it counts ladder steps,
  ;; whose number depends only on ebits and win; tests read it to check exponent bounds.
  (global $ladder_squarings (export "ladder_squarings") (mut i32) (i32.const 0))

  ;; 0..63: masks keeping the first 1, 2, 3 lanes of a 4-limb chunk (index = count·16).
  (data (i32.const 16) "\ff\ff\ff\ff\00\00\00\00\00\00\00\00\00\00\00\00")
  (data (i32.const 32) "\ff\ff\ff\ff\ff\ff\ff\ff\00\00\00\00\00\00\00\00")
  (data (i32.const 48) "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\00\00\00\00")

;;#if simd
  ;; Two columns per pass: acc0/acc1 collect column k (chunk limbs 0,1 / 2,3), acc2/acc3
  ;; column k+1. $pb and $pn point at column k+1's operand; column k's is 4 bytes further.
;;#define DOT_CLEAR
  (local.set $acc0 (v128.const i64x2 0 0))
  (local.set $acc1 (v128.const i64x2 0 0))
  (local.set $acc2 (v128.const i64x2 0 0))
  (local.set $acc3 (v128.const i64x2 0 0))
;;#enddef

  ;; acc += Σ over $it ≥ 1 chunks of a·b + m·N for both columns.
;;#define DOT_ABMN
  (loop $dot
    (local.set $va (v128.load (local.get $pa)))
    (local.set $vm (v128.load (local.get $pm)))
    (local.set $vb (v128.load offset=4 (local.get $pb)))
    (local.set $vn (v128.load offset=4 (local.get $pn)))
    (local.set $acc0 (i64x2.add (local.get $acc0)
      (i64x2.add (i64x2.extmul_low_i32x4_u (local.get $va) (local.get $vb))
                 (i64x2.extmul_low_i32x4_u (local.get $vm) (local.get $vn)))))
    (local.set $acc1 (i64x2.add (local.get $acc1)
      (i64x2.add (i64x2.extmul_high_i32x4_u (local.get $va) (local.get $vb))
                 (i64x2.extmul_high_i32x4_u (local.get $vm) (local.get $vn)))))
    (local.set $vb (v128.load (local.get $pb)))
    (local.set $vn (v128.load (local.get $pn)))
    (local.set $acc2 (i64x2.add (local.get $acc2)
      (i64x2.add (i64x2.extmul_low_i32x4_u (local.get $va) (local.get $vb))
                 (i64x2.extmul_low_i32x4_u (local.get $vm) (local.get $vn)))))
    (local.set $acc3 (i64x2.add (local.get $acc3)
      (i64x2.add (i64x2.extmul_high_i32x4_u (local.get $va) (local.get $vb))
                 (i64x2.extmul_high_i32x4_u (local.get $vm) (local.get $vn)))))
    (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
    (local.set $pm (i32.add (local.get $pm) (i32.const 16)))
    (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
    (local.set $pn (i32.add (local.get $pn) (i32.const 16)))
    (br_if $dot (local.tee $it (i32.sub (local.get $it) (i32.const 1)))))
;;#enddef

  ;; acc += Σ over $it ≥ 1 chunks of m·N for both columns.
;;#define DOT_MN
  (loop $dot
    (local.set $vm (v128.load (local.get $pm)))
    (local.set $vn (v128.load offset=4 (local.get $pn)))
    (local.set $acc0 (i64x2.add (local.get $acc0) (i64x2.extmul_low_i32x4_u (local.get $vm) (local.get $vn))))
    (local.set $acc1 (i64x2.add (local.get $acc1) (i64x2.extmul_high_i32x4_u (local.get $vm) (local.get $vn))))
    (local.set $vn (v128.load (local.get $pn)))
    (local.set $acc2 (i64x2.add (local.get $acc2) (i64x2.extmul_low_i32x4_u (local.get $vm) (local.get $vn))))
    (local.set $acc3 (i64x2.add (local.get $acc3) (i64x2.extmul_high_i32x4_u (local.get $vm) (local.get $vn))))
    (local.set $pm (i32.add (local.get $pm) (i32.const 16)))
    (local.set $pn (i32.add (local.get $pn) (i32.const 16)))
    (br_if $dot (local.tee $it (i32.sub (local.get $it) (i32.const 1)))))
;;#enddef

  ;; acc += Σ over $it ≥ 0 chunks of a·b for both columns, then one chunk keeping only
  ;; the first $rem limbs of a.
;;#define DOT_AB_MASKED
  (block $ab_done
    (br_if $ab_done (i32.eqz (local.get $it)))
    (loop $dot
      (local.set $va (v128.load (local.get $pa)))
      (local.set $vb (v128.load offset=4 (local.get $pb)))
      (local.set $acc0 (i64x2.add (local.get $acc0) (i64x2.extmul_low_i32x4_u (local.get $va) (local.get $vb))))
      (local.set $acc1 (i64x2.add (local.get $acc1) (i64x2.extmul_high_i32x4_u (local.get $va) (local.get $vb))))
      (local.set $vb (v128.load (local.get $pb)))
      (local.set $acc2 (i64x2.add (local.get $acc2) (i64x2.extmul_low_i32x4_u (local.get $va) (local.get $vb))))
      (local.set $acc3 (i64x2.add (local.get $acc3) (i64x2.extmul_high_i32x4_u (local.get $va) (local.get $vb))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
      (br_if $dot (local.tee $it (i32.sub (local.get $it) (i32.const 1))))))
  (if (local.get $rem)
    (then
      (local.set $va (v128.and (v128.load (local.get $pa))
                               (v128.load (i32.shl (local.get $rem) (i32.const 4)))))
      (local.set $vb (v128.load offset=4 (local.get $pb)))
      (local.set $acc0 (i64x2.add (local.get $acc0) (i64x2.extmul_low_i32x4_u (local.get $va) (local.get $vb))))
      (local.set $acc1 (i64x2.add (local.get $acc1) (i64x2.extmul_high_i32x4_u (local.get $va) (local.get $vb))))
      (local.set $vb (v128.load (local.get $pb)))
      (local.set $acc2 (i64x2.add (local.get $acc2) (i64x2.extmul_low_i32x4_u (local.get $va) (local.get $vb))))
      (local.set $acc3 (i64x2.add (local.get $acc3) (i64x2.extmul_high_i32x4_u (local.get $va) (local.get $vb))))))
;;#enddef

;;#define DOT_DOUBLE
  (local.set $acc0 (i64x2.shl (local.get $acc0) (i32.const 1)))
  (local.set $acc1 (i64x2.shl (local.get $acc1) (i32.const 1)))
  (local.set $acc2 (i64x2.shl (local.get $acc2) (i32.const 1)))
  (local.set $acc3 (i64x2.shl (local.get $acc3) (i32.const 1)))
;;#enddef

;;#define SPLIT_SUM
  (local.set $s (i64.add (i64.add (i64x2.extract_lane 0 (local.get $va)) (i64x2.extract_lane 1 (local.get $va)))
                         (i64.and (local.get $c) (local.get $mask))))
  (local.set $h (i64.add (i64.add (i64x2.extract_lane 0 (local.get $vb)) (i64x2.extract_lane 1 (local.get $vb)))
                         (i64.shr_u (local.get $c) (local.get $w))))
;;#enddef
  ;; Column value V = Σ lanes + c as s = Σ low w bits, h = Σ high parts (V = s + h·2^w),
  ;; for column k (SPLIT_K: acc0, acc1) or k+1 (SPLIT_K1: acc2, acc3). Lanes are split
  ;; before they are added, so each lane only has to hold its own products.
;;#define SPLIT_K
  (local.set $va (i64x2.add (v128.and (local.get $acc0) (local.get $vmask)) (v128.and (local.get $acc1) (local.get $vmask))))
  (local.set $vb (i64x2.add (i64x2.shr_u (local.get $acc0) (local.get $w32)) (i64x2.shr_u (local.get $acc1) (local.get $w32))))
;;#expand SPLIT_SUM
;;#enddef
;;#define SPLIT_K1
  (local.set $va (i64x2.add (v128.and (local.get $acc2) (local.get $vmask)) (v128.and (local.get $acc3) (local.get $vmask))))
  (local.set $vb (i64x2.add (i64x2.shr_u (local.get $acc2) (local.get $w32)) (i64x2.shr_u (local.get $acc3) (local.get $w32))))
;;#expand SPLIT_SUM
;;#enddef

;;#define DOT_LOCALS
  (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
  (local $va v128) (local $vb v128) (local $vm v128) (local $vn v128) (local $vmask v128) (local $w32 i32)
;;#enddef
;;#else
  ;; Two columns per pass: acc0/acc1 collect the even/odd chunk limbs of column k,
  ;; acc2/acc3 those of column k+1 (operands 4 bytes before column k's). An accumulator
  ;; here takes twice the products of a SIMD lane, hence the scalar variant's narrower
  ;; limbs (w = 28 up to 7050 bits, else 27; see the header).
;;#define DOT_CLEAR
  (local.set $acc0 (i64.const 0))
  (local.set $acc1 (i64.const 0))
  (local.set $acc2 (i64.const 0))
  (local.set $acc3 (i64.const 0))
;;#enddef

;;#define DOT_ABMN
  (loop $dot
    (local.set $x0 (i64.load32_u (local.get $pa)))
    (local.set $x1 (i64.load32_u offset=4 (local.get $pa)))
    (local.set $x2 (i64.load32_u offset=8 (local.get $pa)))
    (local.set $x3 (i64.load32_u offset=12 (local.get $pa)))
    (local.set $y0 (i64.load32_u (local.get $pm)))
    (local.set $y1 (i64.load32_u offset=4 (local.get $pm)))
    (local.set $y2 (i64.load32_u offset=8 (local.get $pm)))
    (local.set $y3 (i64.load32_u offset=12 (local.get $pm)))
    (local.set $acc0 (i64.add (local.get $acc0) (i64.add
      (i64.add (i64.mul (local.get $x0) (i64.load32_u offset=4 (local.get $pb))) (i64.mul (local.get $y0) (i64.load32_u offset=4 (local.get $pn))))
      (i64.add (i64.mul (local.get $x2) (i64.load32_u offset=12 (local.get $pb))) (i64.mul (local.get $y2) (i64.load32_u offset=12 (local.get $pn)))))))
    (local.set $acc1 (i64.add (local.get $acc1) (i64.add
      (i64.add (i64.mul (local.get $x1) (i64.load32_u offset=8 (local.get $pb))) (i64.mul (local.get $y1) (i64.load32_u offset=8 (local.get $pn))))
      (i64.add (i64.mul (local.get $x3) (i64.load32_u offset=16 (local.get $pb))) (i64.mul (local.get $y3) (i64.load32_u offset=16 (local.get $pn)))))))
    (local.set $acc2 (i64.add (local.get $acc2) (i64.add
      (i64.add (i64.mul (local.get $x0) (i64.load32_u (local.get $pb))) (i64.mul (local.get $y0) (i64.load32_u (local.get $pn))))
      (i64.add (i64.mul (local.get $x2) (i64.load32_u offset=8 (local.get $pb))) (i64.mul (local.get $y2) (i64.load32_u offset=8 (local.get $pn)))))))
    (local.set $acc3 (i64.add (local.get $acc3) (i64.add
      (i64.add (i64.mul (local.get $x1) (i64.load32_u offset=4 (local.get $pb))) (i64.mul (local.get $y1) (i64.load32_u offset=4 (local.get $pn))))
      (i64.add (i64.mul (local.get $x3) (i64.load32_u offset=12 (local.get $pb))) (i64.mul (local.get $y3) (i64.load32_u offset=12 (local.get $pn)))))))
    (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
    (local.set $pm (i32.add (local.get $pm) (i32.const 16)))
    (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
    (local.set $pn (i32.add (local.get $pn) (i32.const 16)))
    (br_if $dot (local.tee $it (i32.sub (local.get $it) (i32.const 1)))))
;;#enddef

;;#define DOT_MN
  (loop $dot
    (local.set $y0 (i64.load32_u (local.get $pm)))
    (local.set $y1 (i64.load32_u offset=4 (local.get $pm)))
    (local.set $y2 (i64.load32_u offset=8 (local.get $pm)))
    (local.set $y3 (i64.load32_u offset=12 (local.get $pm)))
    (local.set $acc0 (i64.add (local.get $acc0)
      (i64.add (i64.mul (local.get $y0) (i64.load32_u offset=4 (local.get $pn))) (i64.mul (local.get $y2) (i64.load32_u offset=12 (local.get $pn))))))
    (local.set $acc1 (i64.add (local.get $acc1)
      (i64.add (i64.mul (local.get $y1) (i64.load32_u offset=8 (local.get $pn))) (i64.mul (local.get $y3) (i64.load32_u offset=16 (local.get $pn))))))
    (local.set $acc2 (i64.add (local.get $acc2)
      (i64.add (i64.mul (local.get $y0) (i64.load32_u (local.get $pn))) (i64.mul (local.get $y2) (i64.load32_u offset=8 (local.get $pn))))))
    (local.set $acc3 (i64.add (local.get $acc3)
      (i64.add (i64.mul (local.get $y1) (i64.load32_u offset=4 (local.get $pn))) (i64.mul (local.get $y3) (i64.load32_u offset=12 (local.get $pn))))))
    (local.set $pm (i32.add (local.get $pm) (i32.const 16)))
    (local.set $pn (i32.add (local.get $pn) (i32.const 16)))
    (br_if $dot (local.tee $it (i32.sub (local.get $it) (i32.const 1)))))
;;#enddef

;;#define DOT_AB_MASKED
  (block $ab_done
    (br_if $ab_done (i32.eqz (local.get $it)))
    (loop $dot
      (local.set $x0 (i64.load32_u (local.get $pa)))
      (local.set $x1 (i64.load32_u offset=4 (local.get $pa)))
      (local.set $x2 (i64.load32_u offset=8 (local.get $pa)))
      (local.set $x3 (i64.load32_u offset=12 (local.get $pa)))
      (local.set $acc0 (i64.add (local.get $acc0)
        (i64.add (i64.mul (local.get $x0) (i64.load32_u offset=4 (local.get $pb))) (i64.mul (local.get $x2) (i64.load32_u offset=12 (local.get $pb))))))
      (local.set $acc1 (i64.add (local.get $acc1)
        (i64.add (i64.mul (local.get $x1) (i64.load32_u offset=8 (local.get $pb))) (i64.mul (local.get $x3) (i64.load32_u offset=16 (local.get $pb))))))
      (local.set $acc2 (i64.add (local.get $acc2)
        (i64.add (i64.mul (local.get $x0) (i64.load32_u (local.get $pb))) (i64.mul (local.get $x2) (i64.load32_u offset=8 (local.get $pb))))))
      (local.set $acc3 (i64.add (local.get $acc3)
        (i64.add (i64.mul (local.get $x1) (i64.load32_u offset=4 (local.get $pb))) (i64.mul (local.get $x3) (i64.load32_u offset=12 (local.get $pb))))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
      (br_if $dot (local.tee $it (i32.sub (local.get $it) (i32.const 1))))))
  ;; the last $rem (0 … 3) limbs one by one
  (if (i32.ge_u (local.get $rem) (i32.const 1))
    (then
      (local.set $x0 (i64.load32_u (local.get $pa)))
      (local.set $acc0 (i64.add (local.get $acc0) (i64.mul (local.get $x0) (i64.load32_u offset=4 (local.get $pb)))))
      (local.set $acc2 (i64.add (local.get $acc2) (i64.mul (local.get $x0) (i64.load32_u (local.get $pb)))))))
  (if (i32.ge_u (local.get $rem) (i32.const 2))
    (then
      (local.set $x1 (i64.load32_u offset=4 (local.get $pa)))
      (local.set $acc1 (i64.add (local.get $acc1) (i64.mul (local.get $x1) (i64.load32_u offset=8 (local.get $pb)))))
      (local.set $acc3 (i64.add (local.get $acc3) (i64.mul (local.get $x1) (i64.load32_u offset=4 (local.get $pb)))))))
  (if (i32.ge_u (local.get $rem) (i32.const 3))
    (then
      (local.set $x2 (i64.load32_u offset=8 (local.get $pa)))
      (local.set $acc0 (i64.add (local.get $acc0) (i64.mul (local.get $x2) (i64.load32_u offset=12 (local.get $pb)))))
      (local.set $acc2 (i64.add (local.get $acc2) (i64.mul (local.get $x2) (i64.load32_u offset=8 (local.get $pb)))))))
;;#enddef

;;#define DOT_DOUBLE
  (local.set $acc0 (i64.shl (local.get $acc0) (i64.const 1)))
  (local.set $acc1 (i64.shl (local.get $acc1) (i64.const 1)))
  (local.set $acc2 (i64.shl (local.get $acc2) (i64.const 1)))
  (local.set $acc3 (i64.shl (local.get $acc3) (i64.const 1)))
;;#enddef

;;#define SPLIT_K
  (local.set $s (i64.add (i64.add (i64.and (local.get $acc0) (local.get $mask)) (i64.and (local.get $acc1) (local.get $mask)))
                         (i64.and (local.get $c) (local.get $mask))))
  (local.set $h (i64.add (i64.add (i64.shr_u (local.get $acc0) (local.get $w)) (i64.shr_u (local.get $acc1) (local.get $w)))
                         (i64.shr_u (local.get $c) (local.get $w))))
;;#enddef
;;#define SPLIT_K1
  (local.set $s (i64.add (i64.add (i64.and (local.get $acc2) (local.get $mask)) (i64.and (local.get $acc3) (local.get $mask)))
                         (i64.and (local.get $c) (local.get $mask))))
  (local.set $h (i64.add (i64.add (i64.shr_u (local.get $acc2) (local.get $w)) (i64.shr_u (local.get $acc3) (local.get $w)))
                         (i64.shr_u (local.get $c) (local.get $w))))
;;#enddef

;;#define DOT_LOCALS
  (local $acc0 i64) (local $acc1 i64) (local $acc2 i64) (local $acc3 i64)
  (local $x0 i64) (local $x1 i64) (local $x2 i64) (local $x3 i64)
  (local $y0 i64) (local $y1 i64) (local $y2 i64) (local $y3 i64)
;;#enddef
;;#endif

  ;; Loads the context fields every multiplication needs and clears m.
;;#define LOAD_CTX
  (local.set $n (i32.load (local.get $ctx)))
  (local.set $w (i64.extend_i32_u (i32.load offset=4 (local.get $ctx))))
  (local.set $mask32 (i32.sub (i32.shl (i32.const 1) (i32.wrap_i64 (local.get $w))) (i32.const 1)))
  (local.set $mask (i64.extend_i32_u (local.get $mask32)))
  (local.set $ninv (i32.load offset=8 (local.get $ctx)))
  (local.set $nr (i32.load offset=20 (local.get $ctx)))
  (local.set $m (i32.load offset=24 (local.get $ctx)))
  (local.set $N0 (i64.load32_u (i32.load offset=16 (local.get $ctx))))
  (local.set $N1 (i64.load32_u offset=4 (i32.load offset=16 (local.get $ctx))))
  (memory.fill (local.get $m) (i32.const 0) (i32.shl (i32.load offset=12 (local.get $ctx)) (i32.const 2)))
  (local.set $c (i64.const 0))
;;#if simd
  (local.set $vmask (i64x2.splat (local.get $mask)))
  (local.set $w32 (i32.wrap_i64 (local.get $w)))
;;#endif
;;#enddef


  ;; V += d (a product below 2^58).
;;#define ADD_TERM
  (local.set $s (i64.add (local.get $s) (i64.and (local.get $d) (local.get $mask))))
  (local.set $h (i64.add (local.get $h) (i64.shr_u (local.get $d) (local.get $w))))
;;#enddef

  ;; Lower column $col: choose m_col so that V + m_col·N_0 ≡ 0 (mod 2^w), store it, carry out.
;;#define COLUMN_REDUCE
  (local.set $mk (i32.and (i32.mul (i32.wrap_i64 (local.get $s)) (local.get $ninv)) (local.get $mask32)))
  (i32.store (i32.add (local.get $m) (i32.shl (local.get $col) (i32.const 2))) (local.get $mk))
  (local.set $s (i64.add (local.get $s) (i64.mul (i64.extend_i32_u (local.get $mk)) (local.get $N0))))
  (local.set $c (i64.add (local.get $h) (i64.shr_u (local.get $s) (local.get $w))))
;;#enddef

  ;; Upper column $col: output limb col − n to r and to rr (reversed), carry out.
;;#define COLUMN_OUTPUT
  (local.set $mk (i32.and (i32.wrap_i64 (local.get $s)) (local.get $mask32)))
  (i32.store (i32.add (local.get $r) (i32.shl (i32.sub (local.get $col) (local.get $n)) (i32.const 2))) (local.get $mk))
  (i32.store (i32.add (local.get $rr) (i32.shl (i32.sub (i32.sub (i32.shl (local.get $n) (i32.const 1)) (i32.const 1)) (local.get $col)) (i32.const 2))) (local.get $mk))
  (local.set $c (i64.add (local.get $h) (i64.shr_u (local.get $s) (local.get $w))))
;;#enddef

;;#define COLUMN_LOCALS
  (local $n i32) (local $w i64) (local $mask i64) (local $mask32 i32) (local $ninv i32) (local $N0 i64) (local $N1 i64)
  (local $nr i32) (local $m i32) (local $k i32) (local $col i32) (local $it i32) (local $rem i32) (local $off i32) (local $lo i32)
  (local $pa i32) (local $pb i32) (local $pm i32) (local $pn i32)
  (local $s i64) (local $h i64) (local $c i64) (local $d i64) (local $mk i32)
;;#enddef

  ;; r = a·b·R⁻¹ mod N (< 2N) given a and br = reversed b (both < 2N); also writes rr =
  ;; reversed r. n is even; pass k computes columns k and k+1. r may be a and rr may be br
  ;; (in-place): a pass only reads limbs that no earlier pass has overwritten, and writes
  ;; after its reads.
  (func $mont_mul (export "mont_mul") (param $r i32) (param $rr i32) (param $a i32) (param $br i32) (param $ctx i32)
;;#expand COLUMN_LOCALS
;;#expand DOT_LOCALS
;;#expand LOAD_CTX
    ;; columns 0 … n−1: i from 0 to k+1; m_k and m_{k+1} are still 0 in memory, and
    ;; column k+1 receives m_k·N_1 once m_k is known
    (local.set $k (i32.const 0))
    (loop $lower
      (local.set $off (i32.shl (i32.sub (i32.sub (local.get $n) (i32.const 2)) (local.get $k)) (i32.const 2)))
      (local.set $pa (local.get $a))
      (local.set $pm (local.get $m))
      (local.set $pb (i32.add (local.get $br) (local.get $off)))
      (local.set $pn (i32.add (local.get $nr) (local.get $off)))
      (local.set $it (i32.shr_u (i32.add (local.get $k) (i32.const 5)) (i32.const 2)))
;;#expand DOT_CLEAR
;;#expand DOT_ABMN
;;#expand SPLIT_K
      (local.set $col (local.get $k))
;;#expand COLUMN_REDUCE
;;#expand SPLIT_K1
      (local.set $d (i64.mul (i64.extend_i32_u (local.get $mk)) (local.get $N1)))
;;#expand ADD_TERM
      (local.set $col (i32.add (local.get $k) (i32.const 1)))
;;#expand COLUMN_REDUCE
      (br_if $lower (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 2))) (local.get $n))))
    ;; columns n … 2n−1: i from k−n+1 to n−1; column k+1 reads index −1 of the reversed
    ;; operands (zero front padding) at i = k−n+1; column 2n−1 is the final carry
    (loop $upper
      (local.set $lo (i32.sub (i32.add (local.get $k) (i32.const 1)) (local.get $n)))
      (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $lo) (i32.const 2))))
      (local.set $pm (i32.add (local.get $m) (i32.shl (local.get $lo) (i32.const 2))))
      (local.set $pb (i32.sub (local.get $br) (i32.const 4)))
      (local.set $pn (i32.sub (local.get $nr) (i32.const 4)))
      (local.set $it (i32.shr_u (i32.sub (i32.add (local.get $n) (i32.const 3)) (local.get $lo)) (i32.const 2)))
;;#expand DOT_CLEAR
;;#expand DOT_ABMN
;;#expand SPLIT_K
      (local.set $col (local.get $k))
;;#expand COLUMN_OUTPUT
;;#expand SPLIT_K1
      (local.set $col (i32.add (local.get $k) (i32.const 1)))
;;#expand COLUMN_OUTPUT
      (br_if $upper (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 2)))
                              (i32.shl (local.get $n) (i32.const 1))))))

  ;; r = a²·R⁻¹ mod N (< 2N) given a and ar = reversed a; also writes rr. Pass k (even)
  ;; sums a_i·a_{k−i} and a_i·a_{k+1−i} for i from max(0, k−n+1) to k/2 − 1 once and
  ;; doubles them; column k adds the diagonal a_{k/2}², column k+1 adds 2·a_{k/2}·a_{k/2+1}.
  ;; In-place use (r = a, rr = ar) is allowed as for mont_mul.
  (func $mont_sqr (export "mont_sqr") (param $r i32) (param $rr i32) (param $a i32) (param $ar i32) (param $ctx i32)
    (local $cnt i32) (local $ah i64) (local $ah1 i64)
;;#expand COLUMN_LOCALS
;;#expand DOT_LOCALS
;;#expand LOAD_CTX
    (local.set $k (i32.const 0))
    (loop $lower
      (local.set $off (i32.shl (i32.sub (i32.sub (local.get $n) (i32.const 2)) (local.get $k)) (i32.const 2)))
      (local.set $cnt (i32.shr_u (local.get $k) (i32.const 1)))
      (local.set $pa (local.get $a))
      (local.set $pb (i32.add (local.get $ar) (local.get $off)))
      (local.set $it (i32.shr_u (local.get $cnt) (i32.const 2)))
      (local.set $rem (i32.and (local.get $cnt) (i32.const 3)))
;;#expand DOT_CLEAR
;;#expand DOT_AB_MASKED
;;#expand DOT_DOUBLE
      (local.set $pm (local.get $m))
      (local.set $pn (i32.add (local.get $nr) (local.get $off)))
      (local.set $it (i32.shr_u (i32.add (local.get $k) (i32.const 5)) (i32.const 2)))
;;#expand DOT_MN
      (local.set $ah (i64.load32_u (i32.add (local.get $a) (i32.shl (local.get $cnt) (i32.const 2)))))
      (local.set $ah1 (i64.load32_u offset=4 (i32.add (local.get $a) (i32.shl (local.get $cnt) (i32.const 2)))))
;;#expand SPLIT_K
      (local.set $d (i64.mul (local.get $ah) (local.get $ah)))
;;#expand ADD_TERM
      (local.set $col (local.get $k))
;;#expand COLUMN_REDUCE
;;#expand SPLIT_K1
      (local.set $d (i64.mul (i64.extend_i32_u (local.get $mk)) (local.get $N1)))
;;#expand ADD_TERM
      (local.set $d (i64.shl (i64.mul (local.get $ah) (local.get $ah1)) (i64.const 1)))
;;#expand ADD_TERM
      (local.set $col (i32.add (local.get $k) (i32.const 1)))
;;#expand COLUMN_REDUCE
      (br_if $lower (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 2))) (local.get $n))))
    (loop $upper
      (local.set $lo (i32.sub (i32.add (local.get $k) (i32.const 1)) (local.get $n)))
      (local.set $cnt (i32.sub (i32.shr_u (local.get $k) (i32.const 1)) (local.get $lo)))
      (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $lo) (i32.const 2))))
      (local.set $pb (i32.sub (local.get $ar) (i32.const 4)))
      (local.set $it (i32.shr_u (local.get $cnt) (i32.const 2)))
      (local.set $rem (i32.and (local.get $cnt) (i32.const 3)))
;;#expand DOT_CLEAR
;;#expand DOT_AB_MASKED
;;#expand DOT_DOUBLE
      (local.set $pm (i32.add (local.get $m) (i32.shl (local.get $lo) (i32.const 2))))
      (local.set $pn (i32.sub (local.get $nr) (i32.const 4)))
      (local.set $it (i32.shr_u (i32.sub (i32.add (local.get $n) (i32.const 3)) (local.get $lo)) (i32.const 2)))
;;#expand DOT_MN
      (local.set $ah (i64.load32_u (i32.add (local.get $a) (i32.shl (i32.shr_u (local.get $k) (i32.const 1)) (i32.const 2)))))
      (local.set $ah1 (i64.load32_u offset=4 (i32.add (local.get $a) (i32.shl (i32.shr_u (local.get $k) (i32.const 1)) (i32.const 2)))))
;;#expand SPLIT_K
      (local.set $d (i64.mul (local.get $ah) (local.get $ah)))
;;#expand ADD_TERM
      (local.set $col (local.get $k))
;;#expand COLUMN_OUTPUT
;;#expand SPLIT_K1
      (local.set $d (i64.shl (i64.mul (local.get $ah) (local.get $ah1)) (i64.const 1)))
;;#expand ADD_TERM
      (local.set $col (i32.add (local.get $k) (i32.const 1)))
;;#expand COLUMN_OUTPUT
      (br_if $upper (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 2)))
                              (i32.shl (local.get $n) (i32.const 1))))))

  ;; r = r − N if r ≥ N, in constant time (r < 2N on entry). Uses the context's tmp.
  (func $final_sub (export "final_sub") (param $r i32) (param $ctx i32)
    (local $n i32) (local $mask i32) (local $pN i32) (local $t i32) (local $i i32) (local $x i32) (local $b i32) (local $keep i32) (local $p i32)
    (local.set $n (i32.load (local.get $ctx)))
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (i32.load offset=4 (local.get $ctx))) (i32.const 1)))
    (local.set $pN (i32.load offset=16 (local.get $ctx)))
    (local.set $t (i32.load offset=40 (local.get $ctx)))
    (loop $sub
      (local.set $p (i32.shl (local.get $i) (i32.const 2)))
      (local.set $x (i32.sub (i32.sub (i32.load (i32.add (local.get $r) (local.get $p)))
                                      (i32.load (i32.add (local.get $pN) (local.get $p))))
                             (local.get $b)))
      (i32.store (i32.add (local.get $t) (local.get $p)) (i32.and (local.get $x) (local.get $mask)))
      (local.set $b (i32.shr_u (local.get $x) (i32.const 31)))
      (br_if $sub (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    ;; keep = all ones when r < N (final borrow), else 0
    (local.set $keep (i32.sub (i32.const 0) (local.get $b)))
    (local.set $i (i32.const 0))
    (loop $sel
      (local.set $p (i32.shl (local.get $i) (i32.const 2)))
      (i32.store (i32.add (local.get $r) (local.get $p))
        (i32.or (i32.and (i32.load (i32.add (local.get $r) (local.get $p))) (local.get $keep))
                (i32.and (i32.load (i32.add (local.get $t) (local.get $p))) (i32.xor (local.get $keep) (i32.const -1)))))
      (br_if $sel (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))

  ;; r = 2r, minus 2N when that is ≥ 2N (so r < 2N stays true); rr = reversed r. Branches
  ;; on the value: for public data only (base-2 exponentiation with a public exponent).
  (func $mont_dbl (export "mont_dbl") (param $r i32) (param $rr i32) (param $ctx i32)
    (local $n i32) (local $w i32) (local $mask i32) (local $pN i32) (local $t i32) (local $i i32) (local $p i32)
    (local $u i32) (local $v i32) (local $x i32) (local $c i32) (local $nc i32) (local $b i32)
    (local.set $n (i32.load (local.get $ctx)))
    (local.set $w (i32.load offset=4 (local.get $ctx)))
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $w)) (i32.const 1)))
    (local.set $pN (i32.load offset=16 (local.get $ctx)))
    (local.set $t (i32.load offset=40 (local.get $ctx)))
    (loop $limbs
      (local.set $p (i32.shl (local.get $i) (i32.const 2)))
      ;; u = limb of 2r, v = limb of 2N, x = limb of 2r − 2N
      (local.set $u (i32.add (i32.shl (i32.load (i32.add (local.get $r) (local.get $p))) (i32.const 1)) (local.get $c)))
      (local.set $c (i32.shr_u (local.get $u) (local.get $w)))
      (local.set $u (i32.and (local.get $u) (local.get $mask)))
      (i32.store (i32.add (local.get $r) (local.get $p)) (local.get $u))
      (local.set $v (i32.add (i32.shl (i32.load (i32.add (local.get $pN) (local.get $p))) (i32.const 1)) (local.get $nc)))
      (local.set $nc (i32.shr_u (local.get $v) (local.get $w)))
      (local.set $x (i32.sub (i32.sub (local.get $u) (i32.and (local.get $v) (local.get $mask))) (local.get $b)))
      (local.set $b (i32.shr_u (local.get $x) (i32.const 31)))
      (i32.store (i32.add (local.get $t) (local.get $p)) (i32.and (local.get $x) (local.get $mask)))
      (br_if $limbs (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (if (i32.eqz (local.get $b))
      (then (memory.copy (local.get $r) (local.get $t) (i32.shl (local.get $n) (i32.const 2)))))
    (call $reverse (local.get $rr) (local.get $r) (local.get $n)))

  ;; dst (n limbs of w bits, zero-padded to P) = the little-endian 32-bit words src[0 … nwords).
  (func $unpack (export "unpack") (param $dst i32) (param $src i32) (param $nwords i32) (param $n i32) (param $w i32) (param $P i32)
    (local $acc i64) (local $bits i32) (local $j i32) (local $i i32) (local $mask i64)
    (local.set $mask (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $w))) (i64.const 1)))
    (block $done
      (loop $limbs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.lt_u (local.get $bits) (local.get $w))
          (then
            (if (i32.lt_u (local.get $j) (local.get $nwords))
              (then (local.set $acc (i64.or (local.get $acc)
                (i64.shl (i64.load32_u (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2))))
                         (i64.extend_i32_u (local.get $bits)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (local.set $bits (i32.add (local.get $bits) (i32.const 32)))))
        (i32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
                   (i32.wrap_i64 (i64.and (local.get $acc) (local.get $mask))))
        (local.set $acc (i64.shr_u (local.get $acc) (i64.extend_i32_u (local.get $w))))
        (local.set $bits (i32.sub (local.get $bits) (local.get $w)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $limbs)))
    (memory.fill (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))) (i32.const 0)
                 (i32.shl (i32.sub (local.get $P) (local.get $n)) (i32.const 2))))

  ;; dst[0 … nwords) = the 32-bit little-endian words of src (n limbs of w bits).
  (func $pack (export "pack") (param $dst i32) (param $src i32) (param $n i32) (param $w i32) (param $nwords i32)
    (local $acc i64) (local $bits i32) (local $j i32) (local $i i32)
    (block $done
      (loop $limbs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i64.or (local.get $acc)
          (i64.shl (i64.load32_u (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2))))
                   (i64.extend_i32_u (local.get $bits)))))
        (local.set $bits (i32.add (local.get $bits) (local.get $w)))
        (if (i32.ge_u (local.get $bits) (i32.const 32))
          (then
            (if (i32.lt_u (local.get $j) (local.get $nwords))
              (then (i32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2))) (i32.wrap_i64 (local.get $acc)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (local.set $acc (i64.shr_u (local.get $acc) (i64.const 32)))
            (local.set $bits (i32.sub (local.get $bits) (i32.const 32)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $limbs)))
    (block $flushed
      (loop $flush
        (br_if $flushed (i32.ge_u (local.get $j) (local.get $nwords)))
        (i32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2))) (i32.wrap_i64 (local.get $acc)))
        (local.set $acc (i64.shr_u (local.get $acc) (i64.const 32)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $flush))))

  ;; dst[n−1−i] = src[i] for i < n (dst must not overlap src).
  (func $reverse (export "reverse") (param $dst i32) (param $src i32) (param $n i32)
    (local $i i32)
    (local.set $dst (i32.add (local.get $dst) (i32.shl (i32.sub (local.get $n) (i32.const 1)) (i32.const 2))))
    (loop $rev
      (i32.store (local.get $dst) (i32.load (local.get $src)))
      (local.set $dst (i32.sub (local.get $dst) (i32.const 4)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (br_if $rev (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))

  ;; dst = table[d] for d < count (a power of two ≥ 4), reading all count entries of
  ;; `stride` bytes (P limbs each) and combining them under masks, so the access pattern
  ;; does not depend on d. Entry masks live at 64 + 16e (all ones for e = d, else zero):
  ;; ((e ⊕ d) − 1) has its sign bit set only for e ⊕ d = 0.
  (func $select_ct (export "select_ct") (param $dst i32) (param $table i32) (param $count i32) (param $stride i32) (param $d i32)
    (local $e i32) (local $off i32) (local $src i32) (local $mp i32) (local $end i32)
;;#if simd
    (local $acc v128)
;;#else
    (local $acc i32)
;;#endif
    (loop $masks
;;#if simd
      (v128.store offset=64 (i32.shl (local.get $e) (i32.const 4))
        (i32x4.splat (i32.shr_s (i32.sub (i32.xor (local.get $e) (local.get $d)) (i32.const 1)) (i32.const 31))))
;;#else
      (i32.store offset=64 (i32.shl (local.get $e) (i32.const 4))
        (i32.shr_s (i32.sub (i32.xor (local.get $e) (local.get $d)) (i32.const 1)) (i32.const 31)))
;;#endif
      (br_if $masks (i32.lt_u (local.tee $e (i32.add (local.get $e) (i32.const 1))) (local.get $count))))
    (local.set $end (i32.add (i32.const 64) (i32.shl (local.get $count) (i32.const 4))))
    (loop $chunks
      (local.set $src (i32.add (local.get $table) (local.get $off)))
      (local.set $mp (i32.const 64))
;;#if simd
      (local.set $acc (v128.const i64x2 0 0))
      (loop $entries
        (local.set $acc (v128.or (local.get $acc)
          (v128.or (v128.and (v128.load (local.get $src)) (v128.load (local.get $mp)))
                   (v128.and (v128.load (i32.add (local.get $src) (local.get $stride))) (v128.load offset=16 (local.get $mp))))))
        (local.set $src (i32.add (local.get $src) (i32.shl (local.get $stride) (i32.const 1))))
        (br_if $entries (i32.lt_u (local.tee $mp (i32.add (local.get $mp) (i32.const 32))) (local.get $end))))
      (v128.store (i32.add (local.get $dst) (local.get $off)) (local.get $acc))
      (br_if $chunks (i32.lt_u (local.tee $off (i32.add (local.get $off) (i32.const 16))) (local.get $stride)))))
;;#else
      (local.set $acc (i32.const 0))
      (loop $entries
        (local.set $acc (i32.or (local.get $acc)
          (i32.or (i32.and (i32.load (local.get $src)) (i32.load (local.get $mp)))
                  (i32.and (i32.load (i32.add (local.get $src) (local.get $stride))) (i32.load offset=16 (local.get $mp))))))
        (local.set $src (i32.add (local.get $src) (i32.shl (local.get $stride) (i32.const 1))))
        (br_if $entries (i32.lt_u (local.tee $mp (i32.add (local.get $mp) (i32.const 32))) (local.get $end))))
      (i32.store (i32.add (local.get $dst) (local.get $off)) (local.get $acc))
      (br_if $chunks (i32.lt_u (local.tee $off (i32.add (local.get $off) (i32.const 4))) (local.get $stride)))))
;;#endif

  ;; out = base^e mod N (fully reduced, normal form) for a SECRET exponent e given as
  ;; little-endian 32-bit words at exp (followed by at least one zero word), read in
  ;; ⌈ebits/win⌉ fixed windows of win bits. base < N in normal form. Scratch: table
  ;; (2^win entries of P limbs), acc, accr, sel (P limbs each).
  (func $modexp_ct (export "modexp_ct") (param $ctx i32) (param $out i32) (param $base i32) (param $exp i32) (param $ebits i32) (param $win i32)
        (param $table i32) (param $acc i32) (param $accr i32) (param $sel i32)
    (local $stride i32) (local $count i32) (local $i i32) (local $pos i32) (local $d i32) (local $wmask i32) (local $j i32)
    (local.set $stride (i32.shl (i32.load offset=12 (local.get $ctx)) (i32.const 2)))
    (local.set $count (i32.shl (i32.const 1) (local.get $win)))
    (local.set $wmask (i32.sub (local.get $count) (i32.const 1)))
    ;; table[0] = R mod N, table[1] = base·R mod N (its reverse kept in accr), table[i] = table[i−1]·table[1]
    (memory.copy (local.get $table) (i32.load offset=32 (local.get $ctx)) (local.get $stride))
    (call $mont_mul (i32.add (local.get $table) (local.get $stride)) (local.get $accr)
                    (local.get $base) (i32.load offset=28 (local.get $ctx)) (local.get $ctx))
    (local.set $i (i32.const 2))
    (block $built
      (loop $build
        (br_if $built (i32.ge_u (local.get $i) (local.get $count)))
        (call $mont_mul (i32.add (local.get $table) (i32.mul (local.get $i) (local.get $stride))) (local.get $sel)
                        (i32.add (local.get $table) (i32.mul (i32.sub (local.get $i) (i32.const 1)) (local.get $stride)))
                        (local.get $accr) (local.get $ctx))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $build)))
    ;; top window
    (local.set $pos (i32.mul (i32.div_u (i32.sub (i32.add (local.get $ebits) (local.get $win)) (i32.const 1)) (local.get $win))
                             (local.get $win)))
    (local.set $pos (i32.sub (local.get $pos) (local.get $win)))
    (call $select_ct (local.get $acc) (local.get $table) (local.get $count) (local.get $stride) (call $digit (local.get $exp) (local.get $pos) (local.get $wmask)))
    (memory.fill (local.get $accr) (i32.const 0) (local.get $stride))
    (call $reverse (local.get $accr) (local.get $acc) (i32.load (local.get $ctx)))
    (block $done
      (loop $windows
        (br_if $done (i32.eqz (local.get $pos)))
        (local.set $pos (i32.sub (local.get $pos) (local.get $win)))
        (local.set $j (local.get $win))
        (loop $squares
          (call $mont_sqr (local.get $acc) (local.get $accr) (local.get $acc) (local.get $accr) (local.get $ctx))
          (global.set $ladder_squarings (i32.add (global.get $ladder_squarings) (i32.const 1)))
          (br_if $squares (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))
        (call $select_ct (local.get $sel) (local.get $table) (local.get $count) (local.get $stride) (call $digit (local.get $exp) (local.get $pos) (local.get $wmask)))
        (call $mont_mul (local.get $acc) (local.get $accr) (local.get $sel) (local.get $accr) (local.get $ctx))
        (br $windows)))
    ;; leave the Montgomery domain: acc·1·R⁻¹ ≤ N, then subtract N once if needed
    (call $mont_mul (local.get $out) (local.get $sel) (local.get $acc) (i32.load offset=36 (local.get $ctx)) (local.get $ctx))
    (call $final_sub (local.get $out) (local.get $ctx)))

  ;; The window of exponent bits pos … pos+win−1 (word reads at public addresses only).
  (func $digit (param $exp i32) (param $pos i32) (param $wmask i32) (result i32)
    (i32.and
      (i32.wrap_i64 (i64.shr_u (i64.load (i32.add (local.get $exp) (i32.shl (i32.shr_u (local.get $pos) (i32.const 5)) (i32.const 2))))
                               (i64.extend_i32_u (i32.and (local.get $pos) (i32.const 31)))))
      (local.get $wmask)))
)
