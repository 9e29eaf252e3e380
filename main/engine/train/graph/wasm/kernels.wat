;; The training graph's hot loops in WebAssembly SIMD, float32 storage, double arithmetic:
;; the three matrix products (graph/ops/gemm.ts: abt, atb, ab), CONV_2D's im2col (conv_2d.ts),
;; DEPTHWISE_CONV_2D with multiplier 1 (dw_fwd, dw_bwd), MAX_POOL_2D (maxpool, maxpool_bwd), the
;; fused-activation clamp and its gradient (op.ts) and the bias gradient (col_sums). Compiled into
;; kernels-wasm.generated.ts by `npm run gen:wasm` (wabt); the glue that lays the operands out, and
;; falls back to the TypeScript loops (the reference) where a kernel does not apply, is
;; kernels-wasm.ts.
;;
;; Bit-identical to the TypeScript loops: each f64x2 lane holds ONE output element, and that
;; element's sum runs over the same index in the same order as the scalar loop, as a separate
;; multiply (f64x2.mul) then add (f64x2.add) on values promoted exactly from float32 (there is no
;; fused multiply-add in SIMD128, so nothing is rounded differently). Only which elements are
;; computed side by side changes. Stores demote to float32 with round-to-nearest-even, as a
;; JavaScript Float32Array store does. The clamps and comparisons use pmin/pmax and strict
;; comparisons, which keep -0 and NaN exactly as the TypeScript conditionals do.
;;
;; Layouts (row-major, prepared by kernels-wasm.ts): every dimension a product vectorizes over or
;; tiles by 4 is padded to a multiple of 4 (zeros in, ignored out), so the products have no
;; remainder loops; the depthwise and pooling kernels take channels in fours (the glue falls back
;; otherwise). Pointers are byte offsets.
(module
  (memory (export "memory") 1)

  ;; dst[r][0..stride) = src[r][0..cols), then zeros: rows of 4-byte values, `stride` >= `cols`.
  (func (export "pad_rows")
    (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $stride i32)
    (local $r i32) (local $s i32) (local $d i32) (local $cb i32) (local $sb i32)
    (local.set $cb (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $sb (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $s (local.get $src))
    (local.set $d (local.get $dst))
    (block $done
      (loop $rl
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (memory.copy (local.get $d) (local.get $s) (local.get $cb))
        (memory.fill (i32.add (local.get $d) (local.get $cb)) (i32.const 0)
          (i32.sub (local.get $sb) (local.get $cb)))
        (local.set $s (i32.add (local.get $s) (local.get $cb)))
        (local.set $d (i32.add (local.get $d) (local.get $sb)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl))))

  ;; dst[k][n] = src[n][k] for n < N, 0 for N <= n < Np (src: N×K float32, dst: K×Np float32).
  (func (export "transpose")
    (param $src i32) (param $dst i32) (param $N i32) (param $K i32) (param $Np i32)
    (local $n i32) (local $k i32) (local $s i32) (local $d i32) (local $row i32)
    (memory.fill (local.get $dst) (i32.const 0)
      (i32.shl (i32.mul (local.get $K) (local.get $Np)) (i32.const 2)))
    (local.set $row (i32.shl (local.get $Np) (i32.const 2)))
    (local.set $s (local.get $src))
    (block $ndone
      (loop $nl
        (br_if $ndone (i32.ge_u (local.get $n) (local.get $N)))
        (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $k (i32.const 0))
        (block $kdone
          (loop $kl
            (br_if $kdone (i32.ge_u (local.get $k) (local.get $K)))
            (f32.store (local.get $d) (f32.load (local.get $s)))
            (local.set $s (i32.add (local.get $s) (i32.const 4)))
            (local.set $d (i32.add (local.get $d) (local.get $row)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kl)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $nl))))

  ;; C[m][n] = sum over k = 0..K-1 in order of A[m][k]·Bt[k][n], then (with $hasBias) rounded to
  ;; float32 first when $round, + bias[n]; stored as float32.
  ;; A: M×K in rows of $lda >= K values, Bt: K×N, bias: N, C: M×N; M and N multiples of 4, K >= 1. Tiles of 4 rows × 4
  ;; columns: eight f64x2 sums, each A value splatted against two pairs of Bt.
  (func (export "abt")
    (param $A i32) (param $Bt i32) (param $bias i32) (param $C i32)
    (param $M i32) (param $N i32) (param $K i32) (param $hasBias i32) (param $round i32) (param $lda i32)
    (local $m i32) (local $n i32) (local $kb i32) (local $Kb i32) (local $Nb i32) (local $Ab i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $bp i32) (local $c i32)
    (local $b0 v128) (local $b1 v128) (local $x v128) (local $z0 v128) (local $z1 v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local.set $Kb (i32.shl (local.get $K) (i32.const 2)))
    (local.set $Nb (i32.shl (local.get $N) (i32.const 2)))
    (local.set $Ab (i32.shl (local.get $lda) (i32.const 2)))
    (block $mdone
      (loop $ml
        (br_if $mdone (i32.ge_u (local.get $m) (local.get $M)))
        (local.set $a0 (i32.add (local.get $A) (i32.mul (local.get $m) (local.get $Ab))))
        (local.set $a1 (i32.add (local.get $a0) (local.get $Ab)))
        (local.set $a2 (i32.add (local.get $a1) (local.get $Ab)))
        (local.set $a3 (i32.add (local.get $a2) (local.get $Ab)))
        (local.set $n (i32.const 0))
        (block $ndone
          (loop $nl
            (br_if $ndone (i32.ge_u (local.get $n) (local.get $N)))
            (local.set $s00 (v128.const i64x2 0 0))
            (local.set $s01 (v128.const i64x2 0 0))
            (local.set $s10 (v128.const i64x2 0 0))
            (local.set $s11 (v128.const i64x2 0 0))
            (local.set $s20 (v128.const i64x2 0 0))
            (local.set $s21 (v128.const i64x2 0 0))
            (local.set $s30 (v128.const i64x2 0 0))
            (local.set $s31 (v128.const i64x2 0 0))
            (local.set $bp (i32.add (local.get $Bt) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $kb (i32.const 0))
            (loop $kl
              (local.set $b0 (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $bp))))
              (local.set $b1 (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $bp))))
              (local.set $x (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $a0) (local.get $kb))))))
              (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x) (local.get $b0))))
              (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x) (local.get $b1))))
              (local.set $x (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $a1) (local.get $kb))))))
              (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x) (local.get $b0))))
              (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x) (local.get $b1))))
              (local.set $x (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $a2) (local.get $kb))))))
              (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $x) (local.get $b0))))
              (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $x) (local.get $b1))))
              (local.set $x (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $a3) (local.get $kb))))))
              (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $x) (local.get $b0))))
              (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $x) (local.get $b1))))
              (local.set $bp (i32.add (local.get $bp) (local.get $Nb)))
              (local.set $kb (i32.add (local.get $kb) (i32.const 4)))
              (br_if $kl (i32.lt_u (local.get $kb) (local.get $Kb))))
            (if (local.get $hasBias)
              (then
                (if (local.get $round)
                  (then
                    (local.set $s00 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s00))))
                    (local.set $s01 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s01))))
                    (local.set $s10 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s10))))
                    (local.set $s11 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s11))))
                    (local.set $s20 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s20))))
                    (local.set $s21 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s21))))
                    (local.set $s30 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s30))))
                    (local.set $s31 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s31))))))
                (local.set $z0 (f64x2.promote_low_f32x4 (v128.load64_zero align=4
                  (i32.add (local.get $bias) (i32.shl (local.get $n) (i32.const 2))))))
                (local.set $z1 (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4
                  (i32.add (local.get $bias) (i32.shl (local.get $n) (i32.const 2))))))
                (local.set $s00 (f64x2.add (local.get $s00) (local.get $z0)))
                (local.set $s01 (f64x2.add (local.get $s01) (local.get $z1)))
                (local.set $s10 (f64x2.add (local.get $s10) (local.get $z0)))
                (local.set $s11 (f64x2.add (local.get $s11) (local.get $z1)))
                (local.set $s20 (f64x2.add (local.get $s20) (local.get $z0)))
                (local.set $s21 (f64x2.add (local.get $s21) (local.get $z1)))
                (local.set $s30 (f64x2.add (local.get $s30) (local.get $z0)))
                (local.set $s31 (f64x2.add (local.get $s31) (local.get $z1)))))
            (local.set $c (i32.add (local.get $C)
              (i32.shl (i32.add (i32.mul (local.get $m) (local.get $N)) (local.get $n)) (i32.const 2))))
            (v128.store align=4 (local.get $c)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (local.get $s00)) (f32x4.demote_f64x2_zero (local.get $s01))))
            (local.set $c (i32.add (local.get $c) (local.get $Nb)))
            (v128.store align=4 (local.get $c)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (local.get $s10)) (f32x4.demote_f64x2_zero (local.get $s11))))
            (local.set $c (i32.add (local.get $c) (local.get $Nb)))
            (v128.store align=4 (local.get $c)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (local.get $s20)) (f32x4.demote_f64x2_zero (local.get $s21))))
            (local.set $c (i32.add (local.get $c) (local.get $Nb)))
            (v128.store align=4 (local.get $c)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (local.get $s30)) (f32x4.demote_f64x2_zero (local.get $s31))))
            (local.set $n (i32.add (local.get $n) (i32.const 4)))
            (br $nl)))
        (local.set $m (i32.add (local.get $m) (i32.const 4)))
        (br $ml))))

  ;; G[n][k] += sum over m = 0..M-1 in order of D[m][n]·A[m][k], G float64, starting from G's value.
  ;; D: M×N float32, A: M×K float32, G: N×K float64; N and K multiples of 4, M >= 1. Tiles of 4
  ;; gradient rows × 4 columns: each D value splatted against two pairs of A.
  (func (export "atb")
    (param $D i32) (param $A i32) (param $G i32) (param $M i32) (param $N i32) (param $K i32)
    (local $n i32) (local $k i32) (local $m i32) (local $Kb i32) (local $Nb i32) (local $K8 i32)
    (local $g0 i32) (local $g1 i32) (local $g2 i32) (local $g3 i32) (local $dp i32) (local $ap i32)
    (local $x0 v128) (local $x1 v128) (local $e v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local.set $Kb (i32.shl (local.get $K) (i32.const 2)))
    (local.set $Nb (i32.shl (local.get $N) (i32.const 2)))
    (local.set $K8 (i32.shl (local.get $K) (i32.const 3)))
    (block $ndone
      (loop $nl
        (br_if $ndone (i32.ge_u (local.get $n) (local.get $N)))
        (local.set $k (i32.const 0))
        (block $kdone
          (loop $kl
            (br_if $kdone (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $g0 (i32.add (local.get $G)
              (i32.shl (i32.add (i32.mul (local.get $n) (local.get $K)) (local.get $k)) (i32.const 3))))
            (local.set $g1 (i32.add (local.get $g0) (local.get $K8)))
            (local.set $g2 (i32.add (local.get $g1) (local.get $K8)))
            (local.set $g3 (i32.add (local.get $g2) (local.get $K8)))
            (local.set $s00 (v128.load align=8 (local.get $g0)))
            (local.set $s01 (v128.load offset=16 align=8 (local.get $g0)))
            (local.set $s10 (v128.load align=8 (local.get $g1)))
            (local.set $s11 (v128.load offset=16 align=8 (local.get $g1)))
            (local.set $s20 (v128.load align=8 (local.get $g2)))
            (local.set $s21 (v128.load offset=16 align=8 (local.get $g2)))
            (local.set $s30 (v128.load align=8 (local.get $g3)))
            (local.set $s31 (v128.load offset=16 align=8 (local.get $g3)))
            (local.set $dp (i32.add (local.get $D) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $ap (i32.add (local.get $A) (i32.shl (local.get $k) (i32.const 2))))
            (local.set $m (i32.const 0))
            (loop $mloop
              (local.set $x0 (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $ap))))
              (local.set $x1 (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $ap))))
              (local.set $e (f64x2.splat (f64.promote_f32 (f32.load (local.get $dp)))))
              (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $e) (local.get $x0))))
              (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $e) (local.get $x1))))
              (local.set $e (f64x2.splat (f64.promote_f32 (f32.load offset=4 (local.get $dp)))))
              (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $e) (local.get $x0))))
              (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $e) (local.get $x1))))
              (local.set $e (f64x2.splat (f64.promote_f32 (f32.load offset=8 (local.get $dp)))))
              (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $e) (local.get $x0))))
              (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $e) (local.get $x1))))
              (local.set $e (f64x2.splat (f64.promote_f32 (f32.load offset=12 (local.get $dp)))))
              (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $e) (local.get $x0))))
              (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $e) (local.get $x1))))
              (local.set $dp (i32.add (local.get $dp) (local.get $Nb)))
              (local.set $ap (i32.add (local.get $ap) (local.get $Kb)))
              (local.set $m (i32.add (local.get $m) (i32.const 1)))
              (br_if $mloop (i32.lt_u (local.get $m) (local.get $M))))
            (v128.store align=8 (local.get $g0) (local.get $s00))
            (v128.store offset=16 align=8 (local.get $g0) (local.get $s01))
            (v128.store align=8 (local.get $g1) (local.get $s10))
            (v128.store offset=16 align=8 (local.get $g1) (local.get $s11))
            (v128.store align=8 (local.get $g2) (local.get $s20))
            (v128.store offset=16 align=8 (local.get $g2) (local.get $s21))
            (v128.store align=8 (local.get $g3) (local.get $s30))
            (v128.store offset=16 align=8 (local.get $g3) (local.get $s31))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $kl)))
        (local.set $n (i32.add (local.get $n) (i32.const 4)))
        (br $nl))))

  ;; X[m][k] = sum over n = 0..N-1 in order of D[m][n]·B[n][k], from +0; with $add, X[m][k] + that
  ;; sum instead; stored as float32.
  ;; D: M×N, B: N×K, X: M×K, all float32; M and K multiples of 4, N >= 1. Tiles of 4 rows × 4
  ;; columns: each D value splatted against two pairs of B.
  (func (export "ab")
    (param $D i32) (param $B i32) (param $X i32) (param $M i32) (param $N i32) (param $K i32)
    (param $add i32)
    (local $m i32) (local $k i32) (local $nb i32) (local $Kb i32) (local $Nb i32)
    (local $d0 i32) (local $d1 i32) (local $d2 i32) (local $d3 i32) (local $bp i32) (local $x i32)
    (local $w0 v128) (local $w1 v128) (local $e v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local.set $Kb (i32.shl (local.get $K) (i32.const 2)))
    (local.set $Nb (i32.shl (local.get $N) (i32.const 2)))
    (block $mdone
      (loop $ml
        (br_if $mdone (i32.ge_u (local.get $m) (local.get $M)))
        (local.set $d0 (i32.add (local.get $D) (i32.mul (local.get $m) (local.get $Nb))))
        (local.set $d1 (i32.add (local.get $d0) (local.get $Nb)))
        (local.set $d2 (i32.add (local.get $d1) (local.get $Nb)))
        (local.set $d3 (i32.add (local.get $d2) (local.get $Nb)))
        (local.set $k (i32.const 0))
        (block $kdone
          (loop $kl
            (br_if $kdone (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $s00 (v128.const i64x2 0 0))
            (local.set $s01 (v128.const i64x2 0 0))
            (local.set $s10 (v128.const i64x2 0 0))
            (local.set $s11 (v128.const i64x2 0 0))
            (local.set $s20 (v128.const i64x2 0 0))
            (local.set $s21 (v128.const i64x2 0 0))
            (local.set $s30 (v128.const i64x2 0 0))
            (local.set $s31 (v128.const i64x2 0 0))
            (local.set $bp (i32.add (local.get $B) (i32.shl (local.get $k) (i32.const 2))))
            (local.set $nb (i32.const 0))
            (loop $nl
              (local.set $w0 (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $bp))))
              (local.set $w1 (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $bp))))
              (local.set $e (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $d0) (local.get $nb))))))
              (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $e) (local.get $w0))))
              (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $e) (local.get $w1))))
              (local.set $e (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $d1) (local.get $nb))))))
              (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $e) (local.get $w0))))
              (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $e) (local.get $w1))))
              (local.set $e (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $d2) (local.get $nb))))))
              (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $e) (local.get $w0))))
              (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $e) (local.get $w1))))
              (local.set $e (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $d3) (local.get $nb))))))
              (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $e) (local.get $w0))))
              (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $e) (local.get $w1))))
              (local.set $bp (i32.add (local.get $bp) (local.get $Kb)))
              (local.set $nb (i32.add (local.get $nb) (i32.const 4)))
              (br_if $nl (i32.lt_u (local.get $nb) (local.get $Nb))))
            (local.set $x (i32.add (local.get $X)
              (i32.shl (i32.add (i32.mul (local.get $m) (local.get $K)) (local.get $k)) (i32.const 2))))
            (if (local.get $add)
              (then
                (local.set $s00 (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $x))) (local.get $s00)))
                (local.set $s01 (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $x))) (local.get $s01)))
                (local.set $x (i32.add (local.get $x) (local.get $Kb)))
                (local.set $s10 (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $x))) (local.get $s10)))
                (local.set $s11 (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $x))) (local.get $s11)))
                (local.set $x (i32.add (local.get $x) (local.get $Kb)))
                (local.set $s20 (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $x))) (local.get $s20)))
                (local.set $s21 (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $x))) (local.get $s21)))
                (local.set $x (i32.add (local.get $x) (local.get $Kb)))
                (local.set $s30 (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $x))) (local.get $s30)))
                (local.set $s31 (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $x))) (local.get $s31)))
                (local.set $x (i32.sub (local.get $x) (i32.mul (local.get $Kb) (i32.const 3))))))
            (v128.store align=4 (local.get $x)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (local.get $s00)) (f32x4.demote_f64x2_zero (local.get $s01))))
            (local.set $x (i32.add (local.get $x) (local.get $Kb)))
            (v128.store align=4 (local.get $x)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (local.get $s10)) (f32x4.demote_f64x2_zero (local.get $s11))))
            (local.set $x (i32.add (local.get $x) (local.get $Kb)))
            (v128.store align=4 (local.get $x)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (local.get $s20)) (f32x4.demote_f64x2_zero (local.get $s21))))
            (local.set $x (i32.add (local.get $x) (local.get $Kb)))
            (v128.store align=4 (local.get $x)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (local.get $s30)) (f32x4.demote_f64x2_zero (local.get $s31))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $kl)))
        (local.set $m (i32.add (local.get $m) (i32.const 4)))
        (br $ml))))
;; out[i] clamped to [lo, hi] in place, float32, n a multiple of 4: v < lo gives lo, else v > hi
  ;; gives hi, else v unchanged (pmax/pmin keep -0 and NaN as op.ts's clampRange does).
  (func (export "clamp") (param $p i32) (param $n i32) (param $lo f32) (param $hi f32)
    (local $end i32) (local $l v128) (local $h v128)
    (local.set $l (f32x4.splat (local.get $lo)))
    (local.set $h (f32x4.splat (local.get $hi)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $l4
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store align=4 (local.get $p)
          (f32x4.pmin (f32x4.pmax (v128.load align=4 (local.get $p)) (local.get $l)) (local.get $h)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l4))))

  ;; dst[i] = d[i] where lo < out[i] < hi, else +0 (op.ts's clampGrad), float32, n a multiple of 4.
  (func (export "clamp_grad")
    (param $out i32) (param $d i32) (param $dst i32) (param $n i32) (param $lo f32) (param $hi f32)
    (local $i i32) (local $nb i32) (local $l v128) (local $h v128) (local $v v128)
    (local.set $l (f32x4.splat (local.get $lo)))
    (local.set $h (f32x4.splat (local.get $hi)))
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $l4
        (br_if $done (i32.ge_u (local.get $i) (local.get $nb)))
        (local.set $v (v128.load align=4 (i32.add (local.get $out) (local.get $i))))
        (v128.store align=4 (i32.add (local.get $dst) (local.get $i))
          (v128.and (v128.load align=4 (i32.add (local.get $d) (local.get $i)))
            (v128.and (f32x4.gt (local.get $v) (local.get $l)) (f32x4.lt (local.get $v) (local.get $h)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l4))))

  ;; G[n] += D[m][n] for m = 0..M-1 in order (gemm.ts's columnSumsAdd): D float32 M×N, G float64.
  (func (export "col_sums") (param $D i32) (param $G i32) (param $M i32) (param $N i32)
    (local $n i32) (local $m i32) (local $p i32) (local $Nb i32) (local $s v128) (local $t f64)
    (local.set $Nb (i32.shl (local.get $N) (i32.const 2)))
    (block $pairs
      (loop $nl
        (br_if $pairs (i32.gt_u (i32.add (local.get $n) (i32.const 2)) (local.get $N)))
        (local.set $s (v128.load align=8 (i32.add (local.get $G) (i32.shl (local.get $n) (i32.const 3)))))
        (local.set $p (i32.add (local.get $D) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $m (i32.const 0))
        (block $mdone
          (loop $ml
            (br_if $mdone (i32.ge_u (local.get $m) (local.get $M)))
            (local.set $s (f64x2.add (local.get $s)
              (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $Nb)))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $ml)))
        (v128.store align=8 (i32.add (local.get $G) (i32.shl (local.get $n) (i32.const 3))) (local.get $s))
        (local.set $n (i32.add (local.get $n) (i32.const 2)))
        (br $nl)))
    (if (i32.lt_u (local.get $n) (local.get $N))
      (then
        (local.set $t (f64.load (i32.add (local.get $G) (i32.shl (local.get $n) (i32.const 3)))))
        (local.set $p (i32.add (local.get $D) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $m (i32.const 0))
        (block $mdone
          (loop $ml
            (br_if $mdone (i32.ge_u (local.get $m) (local.get $M)))
            (local.set $t (f64.add (local.get $t) (f64.promote_f32 (f32.load (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $Nb)))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $ml)))
        (f64.store (i32.add (local.get $G) (i32.shl (local.get $n) (i32.const 3))) (local.get $t)))))
;; DEPTHWISE_CONV_2D with multiplier 1 (graph/ops/depthwise_conv_2d.ts forward1/backward1), C a
  ;; multiple of 4, f64x2 lanes over channels. $taps: int32 [pixels][KK], each output pixel's taps
  ;; in (fy, fx) order as the offset in values of the input pixel within a sample, -1 outside the
  ;; image (skipped). $sample: bytes per input sample. Inputs, weights [KK][C], bias, outputs and
  ;; input gradients float32; weight gradients float64.

  ;; out[b][pix][c] = sum over in-image taps j in order of in·w[j][c], then + bias[c].
  (func (export "dw_fwd")
    (param $in i32) (param $w i32) (param $bias i32) (param $hasBias i32) (param $out i32)
    (param $taps i32) (param $n i32) (param $pixels i32) (param $KK i32) (param $C i32) (param $sample i32)
    (local $b i32) (local $pix i32) (local $cb i32) (local $j i32) (local $q i32) (local $Cb i32)
    (local $base i32) (local $tp i32) (local $o i32) (local $wp i32) (local $x i32)
    (local $s0 v128) (local $s1 v128)
    (local.set $Cb (i32.shl (local.get $C) (i32.const 2)))
    (local.set $o (local.get $out))
    (block $bdone
      (loop $bl
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $n)))
        (local.set $base (i32.add (local.get $in) (i32.mul (local.get $b) (local.get $sample))))
        (local.set $tp (local.get $taps))
        (local.set $pix (i32.const 0))
        (block $pdone
          (loop $pl
            (br_if $pdone (i32.ge_u (local.get $pix) (local.get $pixels)))
            (local.set $cb (i32.const 0))
            (block $cdone
              (loop $cl
                (br_if $cdone (i32.ge_u (local.get $cb) (local.get $Cb)))
                (local.set $s0 (v128.const i64x2 0 0))
                (local.set $s1 (v128.const i64x2 0 0))
                (local.set $wp (i32.add (local.get $w) (local.get $cb)))
                (local.set $j (i32.const 0))
                (block $jdone
                  (loop $jl
                    (br_if $jdone (i32.ge_u (local.get $j) (local.get $KK)))
                    (local.set $q (i32.load (i32.add (local.get $tp) (i32.shl (local.get $j) (i32.const 2)))))
                    (if (i32.ge_s (local.get $q) (i32.const 0))
                      (then
                        (local.set $x (i32.add (i32.add (local.get $base) (i32.shl (local.get $q) (i32.const 2)))
                          (local.get $cb)))
                        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul
                          (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $x)))
                          (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $wp))))))
                        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul
                          (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $x)))
                          (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $wp))))))))
                    (local.set $wp (i32.add (local.get $wp) (local.get $Cb)))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $jl)))
                (if (local.get $hasBias)
                  (then
                    (local.set $s0 (f64x2.add (local.get $s0) (f64x2.promote_low_f32x4
                      (v128.load64_zero align=4 (i32.add (local.get $bias) (local.get $cb))))))
                    (local.set $s1 (f64x2.add (local.get $s1) (f64x2.promote_low_f32x4
                      (v128.load64_zero offset=8 align=4 (i32.add (local.get $bias) (local.get $cb))))))))
                (v128.store align=4 (i32.add (local.get $o) (local.get $cb))
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                    (f32x4.demote_f64x2_zero (local.get $s0)) (f32x4.demote_f64x2_zero (local.get $s1))))
                (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
                (br $cl)))
            (local.set $o (i32.add (local.get $o) (local.get $Cb)))
            (local.set $tp (i32.add (local.get $tp) (i32.shl (local.get $KK) (i32.const 2))))
            (local.set $pix (i32.add (local.get $pix) (i32.const 1)))
            (br $pl)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bl))))

  ;; Gradients from d (dLoss/dOut after the activation): dW[j][c] += d·in over (b, pix) in order
  ;; (when $dW), and dX[in pixel][c] += d·w[j][c] over (pix, j) in order, where d is 0 leaving dX
  ;; as it was (even -0; when $dX; as backward1, which skips it).
  (func (export "dw_bwd")
    (param $in i32) (param $w i32) (param $d i32) (param $dX i32) (param $dW i32)
    (param $taps i32) (param $n i32) (param $pixels i32) (param $KK i32) (param $C i32) (param $sample i32)
    (local $b i32) (local $pix i32) (local $cb i32) (local $j i32) (local $q i32) (local $Cb i32)
    (local $tp i32) (local $o i32) (local $wp i32) (local $x i32) (local $gx i32) (local $gw i32)
    (local $g0 v128) (local $g1 v128) (local $m0 v128) (local $m1 v128) (local $x0 v128) (local $x1 v128)
    (local.set $Cb (i32.shl (local.get $C) (i32.const 2)))
    (local.set $o (local.get $d))
    (block $bdone
      (loop $bl
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $n)))
        (local.set $tp (local.get $taps))
        (local.set $pix (i32.const 0))
        (block $pdone
          (loop $pl
            (br_if $pdone (i32.ge_u (local.get $pix) (local.get $pixels)))
            (local.set $cb (i32.const 0))
            (block $cdone
              (loop $cl
                (br_if $cdone (i32.ge_u (local.get $cb) (local.get $Cb)))
                (local.set $g0 (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $o) (local.get $cb)))))
                (local.set $g1 (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (i32.add (local.get $o) (local.get $cb)))))
                (local.set $m0 (f64x2.ne (local.get $g0) (v128.const i64x2 0 0)))
                (local.set $m1 (f64x2.ne (local.get $g1) (v128.const i64x2 0 0)))
                (local.set $wp (i32.add (local.get $w) (local.get $cb)))
                (local.set $gw (i32.add (local.get $dW) (i32.shl (local.get $cb) (i32.const 1))))
                (local.set $j (i32.const 0))
                (block $jdone
                  (loop $jl
                    (br_if $jdone (i32.ge_u (local.get $j) (local.get $KK)))
                    (local.set $q (i32.load (i32.add (local.get $tp) (i32.shl (local.get $j) (i32.const 2)))))
                    (if (i32.ge_s (local.get $q) (i32.const 0))
                      (then
                        (local.set $q (i32.add (i32.mul (local.get $b) (local.get $sample))
                          (i32.add (i32.shl (local.get $q) (i32.const 2)) (local.get $cb))))
                        (if (local.get $dW)
                          (then
                            (local.set $x (i32.add (local.get $in) (local.get $q)))
                            (v128.store align=8 (local.get $gw) (f64x2.add (v128.load align=8 (local.get $gw))
                              (f64x2.mul (local.get $g0)
                                (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $x))))))
                            (v128.store offset=16 align=8 (local.get $gw) (f64x2.add (v128.load offset=16 align=8 (local.get $gw))
                              (f64x2.mul (local.get $g1)
                                (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $x))))))))
                        (if (local.get $dX)
                          (then
                            (local.set $gx (i32.add (local.get $dX) (local.get $q)))
                            (local.set $x0 (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $gx))))
                            (local.set $x1 (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $gx))))
                            (v128.store align=4 (local.get $gx)
                              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                                (f32x4.demote_f64x2_zero (v128.bitselect
                                  (f64x2.add (local.get $x0) (f64x2.mul (local.get $g0)
                                    (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $wp)))))
                                  (local.get $x0) (local.get $m0)))
                                (f32x4.demote_f64x2_zero (v128.bitselect
                                  (f64x2.add (local.get $x1) (f64x2.mul (local.get $g1)
                                    (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $wp)))))
                                  (local.get $x1) (local.get $m1)))))))))
                    (local.set $wp (i32.add (local.get $wp) (local.get $Cb)))
                    (local.set $gw (i32.add (local.get $gw) (i32.shl (local.get $Cb) (i32.const 1))))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $jl)))
                (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
                (br $cl)))
            (local.set $o (i32.add (local.get $o) (local.get $Cb)))
            (local.set $tp (i32.add (local.get $tp) (i32.shl (local.get $KK) (i32.const 2))))
            (local.set $pix (i32.add (local.get $pix) (i32.const 1)))
            (br $pl)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bl))))
;; MAX_POOL_2D (graph/ops/max_pool_2d.ts), float32, C a multiple of 4: per output pixel and
  ;; channel the maximum over the window's in-image taps in (iy, ix) order, a later tap taken only
  ;; when strictly greater (the first on ties; NaN stays once taken), and its input index in $arg
  ;; (int32); -Infinity and -1 for a window with no tap in the image.
  (func (export "maxpool")
    (param $in i32) (param $out i32) (param $arg i32) (param $n i32) (param $inH i32) (param $inW i32)
    (param $C i32) (param $outH i32) (param $outW i32) (param $strideH i32) (param $strideW i32)
    (param $padTop i32) (param $padLeft i32) (param $kH i32) (param $kW i32)
    (local $b i32) (local $y i32) (local $xo i32) (local $cb i32) (local $iy i32) (local $ix i32)
    (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32) (local $o i32) (local $p i32)
    (local $cur v128) (local $idx v128) (local $v v128) (local $m v128)
    (block $bdone
      (loop $bl
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $n)))
        (local.set $y (i32.const 0))
        (block $ydone
          (loop $yl
            (br_if $ydone (i32.ge_u (local.get $y) (local.get $outH)))
            (local.set $y0 (i32.sub (i32.mul (local.get $y) (local.get $strideH)) (local.get $padTop)))
            (local.set $y1 (i32.add (local.get $y0) (local.get $kH)))
            (if (i32.lt_s (local.get $y0) (i32.const 0)) (then (local.set $y0 (i32.const 0))))
            (if (i32.gt_s (local.get $y1) (local.get $inH)) (then (local.set $y1 (local.get $inH))))
            (local.set $xo (i32.const 0))
            (block $xdone
              (loop $xl
                (br_if $xdone (i32.ge_u (local.get $xo) (local.get $outW)))
                (local.set $x0 (i32.sub (i32.mul (local.get $xo) (local.get $strideW)) (local.get $padLeft)))
                (local.set $x1 (i32.add (local.get $x0) (local.get $kW)))
                (if (i32.lt_s (local.get $x0) (i32.const 0)) (then (local.set $x0 (i32.const 0))))
                (if (i32.gt_s (local.get $x1) (local.get $inW)) (then (local.set $x1 (local.get $inW))))
                ;; element index of this output pixel's channel 0
                (local.set $o (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $outH))
                  (local.get $y)) (local.get $outW)) (local.get $xo)) (local.get $C)))
                (local.set $cb (i32.const 0))
                (block $cdone
                  (loop $cl
                    (br_if $cdone (i32.ge_u (local.get $cb) (local.get $C)))
                    (if (i32.or (i32.ge_s (local.get $y0) (local.get $y1)) (i32.ge_s (local.get $x0) (local.get $x1)))
                      (then
                        (local.set $cur (v128.const f32x4 -inf -inf -inf -inf))
                        (local.set $idx (v128.const i32x4 -1 -1 -1 -1)))
                      (else
                        (local.set $p (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH))
                          (local.get $y0)) (local.get $inW)) (local.get $x0)) (local.get $C)) (local.get $cb)))
                        (local.set $cur (v128.load align=4 (i32.add (local.get $in) (i32.shl (local.get $p) (i32.const 2)))))
                        (local.set $idx (i32x4.add (i32x4.splat (local.get $p)) (v128.const i32x4 0 1 2 3)))
                        (local.set $iy (local.get $y0))
                        (loop $iyl
                          (local.set $ix (local.get $x0))
                          (loop $ixl
                            (local.set $p (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH))
                              (local.get $iy)) (local.get $inW)) (local.get $ix)) (local.get $C)) (local.get $cb)))
                            (local.set $v (v128.load align=4 (i32.add (local.get $in) (i32.shl (local.get $p) (i32.const 2)))))
                            (local.set $m (f32x4.gt (local.get $v) (local.get $cur)))
                            (local.set $cur (v128.bitselect (local.get $v) (local.get $cur) (local.get $m)))
                            (local.set $idx (v128.bitselect
                              (i32x4.add (i32x4.splat (local.get $p)) (v128.const i32x4 0 1 2 3))
                              (local.get $idx) (local.get $m)))
                            (local.set $ix (i32.add (local.get $ix) (i32.const 1)))
                            (br_if $ixl (i32.lt_s (local.get $ix) (local.get $x1))))
                          (local.set $iy (i32.add (local.get $iy) (i32.const 1)))
                          (br_if $iyl (i32.lt_s (local.get $iy) (local.get $y1))))))
                    (v128.store align=4 (i32.add (local.get $out) (i32.shl (i32.add (local.get $o) (local.get $cb)) (i32.const 2)))
                      (local.get $cur))
                    (v128.store align=4 (i32.add (local.get $arg) (i32.shl (i32.add (local.get $o) (local.get $cb)) (i32.const 2)))
                      (local.get $idx))
                    (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
                    (br $cl)))
                (local.set $xo (i32.add (local.get $xo) (i32.const 1)))
                (br $xl)))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $yl)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bl))))
;; CONV_2D's im2col (graph/ops/conv_2d.ts): per output pixel (b, y, x) a row of its taps in
  ;; (fy, fx, c) order, 0 for a tap outside the image, then zeros up to $stride values; float32.
  (func (export "im2col")
    (param $in i32) (param $dst i32) (param $n i32) (param $inH i32) (param $inW i32) (param $inC i32)
    (param $kH i32) (param $kW i32) (param $outH i32) (param $outW i32) (param $strideH i32)
    (param $strideW i32) (param $dilH i32) (param $dilW i32) (param $padTop i32) (param $padLeft i32)
    (param $stride i32)
    (local $b i32) (local $y i32) (local $x i32) (local $fy i32) (local $fx i32) (local $iy i32)
    (local $ix i32) (local $k i32) (local $row i32) (local $p i32) (local $end i32) (local $Cb i32)
    (local $tail i32) (local $rowStep i32)
    (local.set $Cb (i32.shl (local.get $inC) (i32.const 2)))
    (local.set $rowStep (i32.mul (i32.mul (local.get $dilH) (local.get $inW)) (local.get $Cb)))
    (local.set $row (local.get $dst))
    (local.set $tail (i32.shl (i32.sub (local.get $stride)
      (i32.mul (i32.mul (local.get $kH) (local.get $kW)) (local.get $inC))) (i32.const 2)))
    (block $bdone
      (loop $bl
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $n)))
        (local.set $y (i32.const 0))
        (block $ydone
          (loop $yl
            (br_if $ydone (i32.ge_u (local.get $y) (local.get $outH)))
            (local.set $x (i32.const 0))
            (block $xdone
              (loop $xl
                (br_if $xdone (i32.ge_u (local.get $x) (local.get $outW)))
                (local.set $k (local.get $row))
                (local.set $iy (i32.sub (i32.mul (local.get $y) (local.get $strideH)) (local.get $padTop)))
                (local.set $ix (i32.sub (i32.mul (local.get $x) (local.get $strideW)) (local.get $padLeft)))
                (if (i32.and
                      (i32.and (i32.eq (local.get $dilW) (i32.const 1))
                        (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.ge_s (local.get $ix) (i32.const 0))))
                      (i32.and
                        (i32.lt_s (i32.add (local.get $iy) (i32.mul (i32.sub (local.get $kH) (i32.const 1)) (local.get $dilH)))
                          (local.get $inH))
                        (i32.le_s (i32.add (local.get $ix) (local.get $kW)) (local.get $inW))))
                  (then
                    ;; The whole window is inside the image and its rows contiguous: copy kW·inC values per row.
                    (local.set $p (i32.add (local.get $in) (i32.shl (i32.mul (i32.add (i32.mul (i32.add
                      (i32.mul (local.get $b) (local.get $inH)) (local.get $iy)) (local.get $inW)) (local.get $ix))
                      (local.get $inC)) (i32.const 2))))
                    (local.set $fy (i32.const 0))
                    (loop $wyl
                      (local.set $end (i32.add (local.get $k) (i32.mul (local.get $kW) (local.get $Cb))))
                      (local.set $fx (local.get $p))
                      (loop $wcl
                        (f32.store (local.get $k) (f32.load (local.get $fx)))
                        (local.set $fx (i32.add (local.get $fx) (i32.const 4)))
                        (local.set $k (i32.add (local.get $k) (i32.const 4)))
                        (br_if $wcl (i32.lt_u (local.get $k) (local.get $end))))
                      (local.set $p (i32.add (local.get $p) (local.get $rowStep)))
                      (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
                      (br_if $wyl (i32.lt_u (local.get $fy) (local.get $kH))))
                    (local.set $fy (local.get $kH))))
                (if (i32.eqz (local.get $fy)) (then
                (block $fydone
                  (loop $fyl
                    (br_if $fydone (i32.ge_u (local.get $fy) (local.get $kH)))
                    (local.set $iy (i32.add (i32.sub (i32.mul (local.get $y) (local.get $strideH)) (local.get $padTop))
                      (i32.mul (local.get $fy) (local.get $dilH))))
                    (local.set $fx (i32.const 0))
                    (block $fxdone
                      (loop $fxl
                        (br_if $fxdone (i32.ge_u (local.get $fx) (local.get $kW)))
                        (local.set $ix (i32.add (i32.sub (i32.mul (local.get $x) (local.get $strideW)) (local.get $padLeft))
                          (i32.mul (local.get $fx) (local.get $dilW))))
                        (local.set $end (i32.add (local.get $k) (local.get $Cb)))
                        (if (i32.and
                              (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $inH)))
                              (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $inW))))
                          (then
                            (local.set $p (i32.add (local.get $in) (i32.shl (i32.mul (i32.add (i32.mul (i32.add
                              (i32.mul (local.get $b) (local.get $inH)) (local.get $iy)) (local.get $inW)) (local.get $ix))
                              (local.get $inC)) (i32.const 2))))
                            (loop $cl
                              (f32.store (local.get $k) (f32.load (local.get $p)))
                              (local.set $p (i32.add (local.get $p) (i32.const 4)))
                              (local.set $k (i32.add (local.get $k) (i32.const 4)))
                              (br_if $cl (i32.lt_u (local.get $k) (local.get $end)))))
                          (else
                            (loop $zl
                              (f32.store (local.get $k) (f32.const 0))
                              (local.set $k (i32.add (local.get $k) (i32.const 4)))
                              (br_if $zl (i32.lt_u (local.get $k) (local.get $end))))))
                        (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                        (br $fxl)))
                    (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
                    (br $fyl)))))
                (local.set $fy (i32.const 0))
                (memory.fill (local.get $k) (i32.const 0) (local.get $tail))
                (local.set $row (i32.add (local.get $row) (i32.shl (local.get $stride) (i32.const 2))))
                (local.set $x (i32.add (local.get $x) (i32.const 1)))
                (br $xl)))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $yl)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bl))))
;; MAX_POOL_2D's input gradient: dX[arg[i]] += d[i] for i = 0..n-1 in order where arg[i] >= 0
  ;; (float32 values added in double, then rounded, as dX[at] += d[i] in TypeScript).
  (func (export "maxpool_bwd") (param $arg i32) (param $d i32) (param $dX i32) (param $n i32)
    (local $end i32) (local $at i32) (local $p i32)
    (local.set $end (i32.add (local.get $arg) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $arg) (local.get $end)))
        (local.set $at (i32.load (local.get $arg)))
        (if (i32.ge_s (local.get $at) (i32.const 0))
          (then
            (local.set $p (i32.add (local.get $dX) (i32.shl (local.get $at) (i32.const 2))))
            (f32.store (local.get $p) (f32.demote_f64 (f64.add (f64.promote_f32 (f32.load (local.get $p)))
              (f64.promote_f32 (f32.load (local.get $d))))))))
        (local.set $arg (i32.add (local.get $arg) (i32.const 4)))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (br $l))))
)
