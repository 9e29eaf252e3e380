;; Integer convolution kernels (WebAssembly SIMD) for the interpreter's CONV_2D,
;; DEPTHWISE_CONV_2D and FULLY_CONNECTED (kernels/simd/*.ts). Compiled into
;; conv-wasm.generated.ts by `npm run gen:wasm` (wabt).
;;
;; pack lays the input out (below); conv_i and dw produce int32 accumulators: sum((w + filter_offset)
;; * (x + input_offset)) over the window, wrapped to 32 bits (i32 adds wrap as C's int32
;; accumulator does); requant turns them into outputs with TFLite's MultiplyByQuantizedMultiplier
;; (the arithmetic of quant/math.ts's mbqm, which the tests compare it with), offset and clamp.
;;
;; Layouts (all prepared by the TypeScript side):
;;   input:   int16 [Hp][Wp][Cp], already offset (x + input_offset), spatially zero-padded so that
;;            every window lies inside it (a zero adds nothing: TFLite skips out-of-image taps),
;;            Cp a multiple of 8 for dw, of 2 for conv_i (channels past the real ones are zero).
;;   conv_i weights: int16 [out_c / 16][kH][kW][Cp / 2][16][2]: sixteen output channels' weights
;;            for one pair of input channels side by side, read in exactly the walk's order.
;;   dw weights:   int16 [kH][kW][Cp] (one weight per tap and channel).
;;   output:  int32 [outH][outW][blocks * 16] (conv_i) or [outH][outW][Cp] (dw).
;; Products: inputs and weights are within 16 bits, so i32x4.dot_i16x8_s (two products summed) and
;; i32x4.extmul_*_i16x8_s cannot overflow before the wrapping accumulation.
(module
  (memory (export "memory") 1)

  ;; dw: out[oy][ox][c] = sum over fy < kH, fx < kW of
  ;;   in[oy * strideH + fy * dilH][ox * strideW + fx * dilW][c] * w[fy][fx][c]
  (func (export "dw")
    (param $in i32) (param $w i32) (param $out i32) (param $outH i32) (param $outW i32)
    (param $strideH i32) (param $strideW i32) (param $dilH i32) (param $dilW i32)
    (param $kH i32) (param $kW i32) (param $cp i32) (param $wp i32)
    (local $pix i32) (local $row i32) (local $oy i32) (local $ox i32) (local $cb i32)
    (local $fy i32) (local $fx i32) (local $origin i32) (local $rowp i32) (local $p i32)
    (local $wptr i32) (local $x v128) (local $wv v128) (local $lo v128) (local $hi v128)
    (local.set $pix (i32.shl (local.get $cp) (i32.const 1)))
    (local.set $row (i32.mul (local.get $wp) (local.get $pix)))
    (if (i32.eqz (i32.mul (local.get $outH) (i32.mul (local.get $outW) (local.get $cp)))) (then (return)))
    (loop $yl
      (local.set $ox (i32.const 0))
      (loop $xl
        (local.set $origin (i32.add (local.get $in)
          (i32.add (i32.mul (i32.mul (local.get $oy) (local.get $strideH)) (local.get $row))
                   (i32.mul (i32.mul (local.get $ox) (local.get $strideW)) (local.get $pix)))))
        (local.set $cb (i32.const 0))
        (loop $cl
          (local.set $lo (v128.const i32x4 0 0 0 0))
          (local.set $hi (v128.const i32x4 0 0 0 0))
          (local.set $wptr (i32.add (local.get $w) (local.get $cb)))
          (local.set $fy (i32.const 0))
          (loop $fyl
            (local.set $rowp (i32.add (i32.add (local.get $origin) (local.get $cb))
              (i32.mul (i32.mul (local.get $fy) (local.get $dilH)) (local.get $row))))
            (local.set $fx (i32.const 0))
            (loop $fxl
              (local.set $p (i32.add (local.get $rowp)
                (i32.mul (i32.mul (local.get $fx) (local.get $dilW)) (local.get $pix))))
              (local.set $x (v128.load align=2 (local.get $p)))
              (local.set $wv (v128.load align=2 (local.get $wptr)))
              (local.set $lo (i32x4.add (local.get $lo) (i32x4.extmul_low_i16x8_s (local.get $x) (local.get $wv))))
              (local.set $hi (i32x4.add (local.get $hi) (i32x4.extmul_high_i16x8_s (local.get $x) (local.get $wv))))
              (local.set $wptr (i32.add (local.get $wptr) (local.get $pix)))
              (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
              (br_if $fxl (i32.lt_u (local.get $fx) (local.get $kW))))
            (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
            (br_if $fyl (i32.lt_u (local.get $fy) (local.get $kH))))
          (v128.store align=4 (local.get $out) (local.get $lo))
          (v128.store offset=16 align=4 (local.get $out) (local.get $hi))
          (local.set $out (i32.add (local.get $out) (i32.const 32)))
          (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
          (br_if $cl (i32.lt_u (local.get $cb) (local.get $pix))))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH)))))


  ;; quantize_f: QUANTIZE float32 -> int8 (kind 0), uint8 (kind 1) or int16 (kind 2) per tensor,
  ;;   eight values at a time over n values rounded up to a multiple of eight (the caller leaves
  ;;   room: input and output have slack). The reference's arithmetic lane by lane:
  ;;   v = x / scale in float32 (f32x4.div; the reference's double quotient rounded to float32 is
  ;;   the same value), rounded half away from zero as t + copysign(1, v) where |v - t| >= 0.5,
  ;;   t = trunc(v) (v - t is exact in float32), converted saturating (infinities -> +-2^31-1),
  ;;   clamped to [lo - zp, hi - zp] then offset by zp (the same as clamping v + zp to [lo, hi]
  ;;   without the wrap), and NaN -> 0 (the reference stores NaN into an integer array: 0).
  (func (export "quantize_f")
    (param $in i32) (param $out i32) (param $n i32) (param $scale f32) (param $zp i32)
    (param $lo i32) (param $hi i32) (param $kind i32)
    (local $end i32) (local $vs v128) (local $qzp v128) (local $qlo v128) (local $qhi v128)
    (local $a v128) (local $b v128) (local $h v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vs (f32x4.splat (local.get $scale)))
    (local.set $qzp (i32x4.splat (local.get $zp)))
    (local.set $qlo (i32x4.splat (i32.sub (local.get $lo) (local.get $zp))))
    (local.set $qhi (i32x4.splat (i32.sub (local.get $hi) (local.get $zp))))
    (loop $l
      (local.set $a (call $quantize4 (v128.load align=4 (local.get $in)) (local.get $vs)
        (local.get $qzp) (local.get $qlo) (local.get $qhi)))
      (local.set $b (call $quantize4 (v128.load offset=16 align=4 (local.get $in)) (local.get $vs)
        (local.get $qzp) (local.get $qlo) (local.get $qhi)))
      ;; every lane is within [lo, hi], so the narrowings saturate nothing
      (local.set $h (i16x8.narrow_i32x4_s (local.get $a) (local.get $b)))
      (if (i32.eq (local.get $kind) (i32.const 2))
        (then
          (v128.store align=2 (local.get $out) (local.get $h))
          (local.set $out (i32.add (local.get $out) (i32.const 16))))
        (else
          (v128.store64_lane align=1 0 (local.get $out)
            (if (result v128) (local.get $kind)
              (then (i8x16.narrow_i16x8_u (local.get $h) (local.get $h)))
              (else (i8x16.narrow_i16x8_s (local.get $h) (local.get $h)))))
          (local.set $out (i32.add (local.get $out) (i32.const 8)))))
      (local.set $in (i32.add (local.get $in) (i32.const 32)))
      (br_if $l (i32.lt_u (local.get $in) (local.get $end)))))

  ;; quantize4: four lanes of quantize_f, as i32 in [lo, hi] (0 for NaN).
  (func $quantize4 (param $x v128) (param $vs v128) (param $qzp v128) (param $qlo v128) (param $qhi v128)
    (result v128)
    (local $v v128) (local $t v128)
    (local.set $v (f32x4.div (local.get $x) (local.get $vs)))
    (local.set $t (f32x4.trunc (local.get $v)))
    (local.set $t (f32x4.add (local.get $t)
      (v128.and
        (f32x4.ge (f32x4.abs (f32x4.sub (local.get $v) (local.get $t))) (v128.const f32x4 0.5 0.5 0.5 0.5))
        (v128.or (v128.and (local.get $v) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
                 (v128.const f32x4 1 1 1 1)))))
    (v128.and
      (i32x4.add (local.get $qzp)
        (i32x4.min_s (i32x4.max_s (i32x4.trunc_sat_f32x4_s (local.get $t)) (local.get $qlo)) (local.get $qhi)))
      (f32x4.eq (local.get $v) (local.get $v))))

  ;; dw_q: DEPTHWISE_CONV_2D from the padded int16 image to 8-bit outputs in one pass: dw's sums
  ;;   of eight channels (the same products and wrapping adds, so the same int32 values), then
  ;;   requantized at once by $requant4 (requant_v's vector arithmetic, vparams as requant_v's,
  ;;   256 bytes per eight channels) and stored as eight bytes; no accumulator array. For Cp equal
  ;;   to the output channels (a multiple of 8): out is [outH][outW][Cp] bytes.
  (func (export "dw_q")
    (param $in i32) (param $w i32) (param $out i32) (param $outH i32) (param $outW i32)
    (param $strideH i32) (param $strideW i32) (param $dilH i32) (param $dilW i32)
    (param $kH i32) (param $kW i32) (param $cp i32) (param $wp i32)
    (param $vparams i32) (param $outOff i32) (param $lo i32) (param $hi i32)
    (local $pix i32) (local $row i32) (local $oy i32) (local $ox i32) (local $cb i32)
    (local $fy i32) (local $fx i32) (local $origin i32) (local $rowp i32) (local $p i32)
    (local $wptr i32) (local $vp i32) (local $x v128) (local $wv v128) (local $a v128) (local $b v128)
    (local $qoff v128) (local $qlo v128) (local $qhi v128)
    (local.set $pix (i32.shl (local.get $cp) (i32.const 1)))
    (local.set $row (i32.mul (local.get $wp) (local.get $pix)))
    (local.set $qoff (i32x4.splat (local.get $outOff)))
    (local.set $qlo (i32x4.splat (local.get $lo)))
    (local.set $qhi (i32x4.splat (local.get $hi)))
    (if (i32.eqz (i32.mul (local.get $outH) (i32.mul (local.get $outW) (local.get $cp)))) (then (return)))
    (loop $yl
      (local.set $ox (i32.const 0))
      (loop $xl
        (local.set $origin (i32.add (local.get $in)
          (i32.add (i32.mul (i32.mul (local.get $oy) (local.get $strideH)) (local.get $row))
                   (i32.mul (i32.mul (local.get $ox) (local.get $strideW)) (local.get $pix)))))
        (local.set $cb (i32.const 0))
        (local.set $vp (local.get $vparams))
        (loop $cl
          (local.set $a (v128.const i32x4 0 0 0 0))
          (local.set $b (v128.const i32x4 0 0 0 0))
          (local.set $wptr (i32.add (local.get $w) (local.get $cb)))
          (local.set $fy (i32.const 0))
          (loop $fyl
            (local.set $rowp (i32.add (i32.add (local.get $origin) (local.get $cb))
              (i32.mul (i32.mul (local.get $fy) (local.get $dilH)) (local.get $row))))
            (local.set $fx (i32.const 0))
            (loop $fxl
              (local.set $p (i32.add (local.get $rowp)
                (i32.mul (i32.mul (local.get $fx) (local.get $dilW)) (local.get $pix))))
              (local.set $x (v128.load align=2 (local.get $p)))
              (local.set $wv (v128.load align=2 (local.get $wptr)))
              (local.set $a (i32x4.add (local.get $a) (i32x4.extmul_low_i16x8_s (local.get $x) (local.get $wv))))
              (local.set $b (i32x4.add (local.get $b) (i32x4.extmul_high_i16x8_s (local.get $x) (local.get $wv))))
              (local.set $wptr (i32.add (local.get $wptr) (local.get $pix)))
              (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
              (br_if $fxl (i32.lt_u (local.get $fx) (local.get $kW))))
            (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
            (br_if $fyl (i32.lt_u (local.get $fy) (local.get $kH))))
          ;; both halves within [lo, hi] (8-bit), so the narrowing saturates nothing; the low bytes
          (v128.store64_lane align=1 0 (local.get $out)
            (i8x16.shuffle 0 2 4 6 8 10 12 14 0 0 0 0 0 0 0 0
              (i16x8.narrow_i32x4_s
                (call $requant4 (local.get $a) (local.get $vp) (local.get $qoff) (local.get $qlo) (local.get $qhi))
                (call $requant4 (local.get $b) (i32.add (local.get $vp) (i32.const 128))
                  (local.get $qoff) (local.get $qlo) (local.get $qhi)))
              (local.get $x)))
          (local.set $out (i32.add (local.get $out) (i32.const 8)))
          (local.set $vp (i32.add (local.get $vp) (i32.const 256)))
          (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
          (br_if $cl (i32.lt_u (local.get $cb) (local.get $pix))))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH)))))

  ;; requant4: MultiplyByQuantizedMultiplier of four int32 sums $sum (+ bias), offset and clamped,
  ;;   as requant_v's vector path computes it, with its own parameters at $vp (dw_q's, per block
  ;;   of four channels, 128 bytes): bias[4], multiplier[4], 2^max(shift, 0)[4], mask[4] = 2^e - 1,
  ;;   mask >> 1 [4], 2^-e as four f64 (at 80), then at 112 the four channels' common e or -1.
  ;;   The high mul keeps bits 31..62 of x * m + 2^30 (a logical i64 shift gives the same low
  ;;   word as the arithmetic one); t >> e (floor) with a common e (>= 0) is i32x4.shr_s, else
  ;;   floor(t * 2^-e) in f64 (exact: t is an int32 and 2^-e a power of two), read back as the
  ;;   low word of floor(...) + 1.5 * 2^52 (an integer below 2^31 in magnitude sits in the low
  ;;   mantissa bits, two's complement for negatives).
  (func $requant4 (param $sum v128) (param $vp i32) (param $qoff v128) (param $qlo v128) (param $qhi v128)
    (result v128)
    (local $va v128) (local $vt v128) (local $e i32)
    (local.set $va (i32x4.mul
      (i32x4.add (local.get $sum) (v128.load align=4 (local.get $vp)))
      (v128.load offset=32 align=4 (local.get $vp))))
    (local.set $vt (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
      (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $va) (v128.load offset=16 align=4 (local.get $vp)))
                              (v128.const i64x2 1073741824 1073741824)) (i32.const 31))
      (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $va) (v128.load offset=16 align=4 (local.get $vp)))
                              (v128.const i64x2 1073741824 1073741824)) (i32.const 31))))
    (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $qoff)
      (i32x4.sub
        (if (result v128) (i32.lt_s (local.tee $e (i32.load offset=112 (local.get $vp))) (i32.const 0))
          (then
            (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
              (f64x2.add (f64x2.floor
                (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $vt)) (v128.load offset=80 align=8 (local.get $vp)))) (v128.const f64x2 0x1.8p52 0x1.8p52))
              (f64x2.add (f64x2.floor
                (f64x2.mul (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
                  (local.get $vt) (local.get $vt))) (v128.load offset=96 align=8 (local.get $vp)))) (v128.const f64x2 0x1.8p52 0x1.8p52))))
          (else (i32x4.shr_s (local.get $vt) (local.get $e))))
        (i32x4.gt_s (v128.and (local.get $vt) (v128.load offset=48 align=4 (local.get $vp)))
                    (i32x4.sub (v128.load offset=64 align=4 (local.get $vp))
                               (i32x4.lt_s (local.get $vt) (v128.const i32x4 0 0 0 0))))))
      (local.get $qlo)) (local.get $qhi)))

  ;; dw_q3: dw_q for 3x3 filters (any stride and dilation), one group of eight channels at a time
  ;;   over the whole image: its nine weight vectors and parameters loaded once per group, each
    ;;   output pixel's nine taps unrolled (the same products and wrapping adds as dw). Rows outside:
  ;;   one output row's three input rows stay in cache while its channel groups are walked.
  (func (export "dw_q3")
    (param $in i32) (param $w i32) (param $out i32) (param $outH i32) (param $outW i32)
    (param $strideH i32) (param $strideW i32) (param $dilH i32) (param $dilW i32)
    (param $kH i32) (param $kW i32) (param $cp i32) (param $wp i32)
    (param $vparams i32) (param $outOff i32) (param $lo i32) (param $hi i32)
    (local $pix i32) (local $row i32) (local $oy i32) (local $ox i32) (local $cb i32)
    (local $dx i32) (local $dy i32) (local $sx i32) (local $sy i32) (local $p i32) (local $q i32)
    (local $o i32) (local $vp i32) (local $a v128) (local $b v128) (local $x v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $w4 v128)
    (local $w5 v128) (local $w6 v128) (local $w7 v128) (local $w8 v128) (local $w9 v128) (local $y v128)
    (local $qoff v128) (local $qlo v128) (local $qhi v128)
    (local $va v128) (local $vt v128) (local $e i32) (local $round v128)
    (local.set $round (v128.const i64x2 1073741824 1073741824))
    (local.set $pix (i32.shl (local.get $cp) (i32.const 1)))
    (local.set $row (i32.mul (local.get $wp) (local.get $pix)))
    (local.set $dx (i32.mul (local.get $dilW) (local.get $pix)))
    (local.set $dy (i32.mul (local.get $dilH) (local.get $row)))
    (local.set $sx (i32.mul (local.get $strideW) (local.get $pix)))
    (local.set $sy (i32.mul (local.get $strideH) (local.get $row)))
    (local.set $qoff (i32x4.splat (local.get $outOff)))
    (local.set $qlo (i32x4.splat (local.get $lo)))
    (local.set $qhi (i32x4.splat (local.get $hi)))
    (if (i32.eqz (i32.mul (local.get $outH) (i32.mul (local.get $outW) (local.get $cp)))) (then (return)))
    (loop $yl
      (local.set $cb (i32.const 0))
      (loop $cl
        (local.set $p (i32.add (local.get $w) (i32.mul (local.get $cb) (i32.const 10))))
        (local.set $w0 (v128.load offset=0 align=2 (local.get $p)))
        (local.set $w1 (v128.load offset=16 align=2 (local.get $p)))
        (local.set $w2 (v128.load offset=32 align=2 (local.get $p)))
        (local.set $w3 (v128.load offset=48 align=2 (local.get $p)))
        (local.set $w4 (v128.load offset=64 align=2 (local.get $p)))
        (local.set $w5 (v128.load offset=80 align=2 (local.get $p)))
        (local.set $w6 (v128.load offset=96 align=2 (local.get $p)))
        (local.set $w7 (v128.load offset=112 align=2 (local.get $p)))
        (local.set $w8 (v128.load offset=128 align=2 (local.get $p)))
        (local.set $w9 (v128.load offset=144 align=2 (local.get $p)))
        (local.set $vp (i32.add (local.get $vparams) (i32.shl (local.get $cb) (i32.const 4))))
        (local.set $o (i32.add (i32.add (local.get $out) (i32.shr_u (local.get $cb) (i32.const 1)))
          (i32.mul (i32.mul (local.get $oy) (local.get $outW)) (local.get $cp))))
        (local.set $p (i32.add (i32.add (local.get $in) (local.get $cb))
          (i32.mul (local.get $oy) (local.get $sy))))
        (local.set $ox (i32.const 0))
        (loop $xl
          (local.set $x (v128.load align=2 (local.get $p)))
          (local.set $y (v128.load align=2 (i32.add (local.get $p) (local.get $dx))))
          (local.set $a (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $x) (local.get $y)) (local.get $w0)))
          (local.set $b (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $x) (local.get $y)) (local.get $w1)))
          (local.set $q (i32.add (local.get $p) (local.get $dy)))
          (local.set $x (v128.load align=2 (i32.add (local.get $p) (i32.shl (local.get $dx) (i32.const 1)))))
          (local.set $y (v128.load align=2 (local.get $q)))
          (local.set $a (i32x4.add (local.get $a) (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $x) (local.get $y)) (local.get $w2))))
          (local.set $b (i32x4.add (local.get $b) (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $x) (local.get $y)) (local.get $w3))))
          (local.set $x (v128.load align=2 (i32.add (local.get $q) (local.get $dx))))
          (local.set $y (v128.load align=2 (i32.add (local.get $q) (i32.shl (local.get $dx) (i32.const 1)))))
          (local.set $a (i32x4.add (local.get $a) (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $x) (local.get $y)) (local.get $w4))))
          (local.set $b (i32x4.add (local.get $b) (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $x) (local.get $y)) (local.get $w5))))
          (local.set $q (i32.add (local.get $q) (local.get $dy)))
          (local.set $x (v128.load align=2 (local.get $q)))
          (local.set $y (v128.load align=2 (i32.add (local.get $q) (local.get $dx))))
          (local.set $a (i32x4.add (local.get $a) (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $x) (local.get $y)) (local.get $w6))))
          (local.set $b (i32x4.add (local.get $b) (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $x) (local.get $y)) (local.get $w7))))
          (local.set $x (v128.load align=2 (i32.add (local.get $q) (i32.shl (local.get $dx) (i32.const 1)))))
          (local.set $a (i32x4.add (local.get $a) (i32x4.dot_i16x8_s (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $x) (local.get $x)) (local.get $w8))))
          (local.set $b (i32x4.add (local.get $b) (i32x4.dot_i16x8_s (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $x) (local.get $x)) (local.get $w9))))
          ;; both halves within [lo, hi] (8-bit), so the narrowing saturates nothing; the low bytes
          (v128.store64_lane align=1 0 (local.get $o)
            (i8x16.shuffle 0 2 4 6 8 10 12 14 0 0 0 0 0 0 0 0
              (i16x8.narrow_i32x4_s
                (block (result v128)
                  (local.set $va (i32x4.add (local.get $a) (v128.load align=4 (local.get $vp))))
                  (if (i32.load offset=116 (local.get $vp))
                    (then (local.set $va (i32x4.mul (local.get $va) (v128.load offset=32 align=4 (local.get $vp))))))
                  (local.set $vt (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                    (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $va) (v128.load offset=16 align=4 (local.get $vp)))
                                            (local.get $round)) (i32.const 31))
                    (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $va) (v128.load offset=16 align=4 (local.get $vp)))
                                            (local.get $round)) (i32.const 31))))
                  (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $qoff)
                    (i32x4.sub
                      (if (result v128) (i32.lt_s (local.tee $e (i32.load offset=112 (local.get $vp))) (i32.const 0))
                        (then
                          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                            (f64x2.add (f64x2.floor
                              (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $vt)) (v128.load offset=80 align=8 (local.get $vp)))) (v128.const f64x2 0x1.8p52 0x1.8p52))
                            (f64x2.add (f64x2.floor
                              (f64x2.mul (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
                                (local.get $vt) (local.get $vt))) (v128.load offset=96 align=8 (local.get $vp)))) (v128.const f64x2 0x1.8p52 0x1.8p52))))
                        (else (i32x4.shr_s (local.get $vt) (local.get $e))))
                      (i32x4.gt_s (v128.and (local.get $vt) (v128.load offset=48 align=4 (local.get $vp)))
                                  (i32x4.sub (v128.load offset=64 align=4 (local.get $vp))
                                             (i32x4.lt_s (local.get $vt) (v128.const i32x4 0 0 0 0))))))
                    (local.get $qlo)) (local.get $qhi)))
                (block (result v128)
                  (local.set $va (i32x4.add (local.get $b) (v128.load offset=128 align=4 (local.get $vp))))
                  (if (i32.load offset=244 (local.get $vp))
                    (then (local.set $va (i32x4.mul (local.get $va) (v128.load offset=160 align=4 (local.get $vp))))))
                  (local.set $vt (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                    (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $va) (v128.load offset=144 align=4 (local.get $vp)))
                                            (local.get $round)) (i32.const 31))
                    (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $va) (v128.load offset=144 align=4 (local.get $vp)))
                                            (local.get $round)) (i32.const 31))))
                  (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $qoff)
                    (i32x4.sub
                      (if (result v128) (i32.lt_s (local.tee $e (i32.load offset=240 (local.get $vp))) (i32.const 0))
                        (then
                          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                            (f64x2.add (f64x2.floor
                              (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $vt)) (v128.load offset=208 align=8 (local.get $vp)))) (v128.const f64x2 0x1.8p52 0x1.8p52))
                            (f64x2.add (f64x2.floor
                              (f64x2.mul (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
                                (local.get $vt) (local.get $vt))) (v128.load offset=224 align=8 (local.get $vp)))) (v128.const f64x2 0x1.8p52 0x1.8p52))))
                        (else (i32x4.shr_s (local.get $vt) (local.get $e))))
                      (i32x4.gt_s (v128.and (local.get $vt) (v128.load offset=176 align=4 (local.get $vp)))
                                  (i32x4.sub (v128.load offset=192 align=4 (local.get $vp))
                                             (i32x4.lt_s (local.get $vt) (v128.const i32x4 0 0 0 0))))))
                    (local.get $qlo)) (local.get $qhi))))
              (local.get $x)))
          (local.set $o (i32.add (local.get $o) (local.get $cp)))
          (local.set $p (i32.add (local.get $p) (local.get $sx)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
        (br_if $cl (i32.lt_u (local.get $cb) (local.get $pix))))
    (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
    (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH)))))

  ;; pack_dm8: pack for 8-bit inputs (kind 0 int8, 1 uint8) with a depth multiplier dm that is a
  ;;   multiple of 8 (Cp = inC * dm): each offset input value fills its dm channels as splatted
  ;;   eight-lane vectors. The same image as pack.
  (func (export "pack_dm8")
    (param $src i32) (param $kind i32) (param $dst i32) (param $batches i32) (param $inH i32)
    (param $inW i32) (param $inC i32) (param $offset i32) (param $dm i32) (param $hp i32)
    (param $wp i32) (param $padH i32) (param $padW i32)
    (local $b i32) (local $y i32) (local $d i32) (local $end i32) (local $m i32) (local $x v128)
    (local $cp i32)
    (if (i32.eqz (i32.mul (i32.mul (local.get $batches) (local.get $inH))
                          (i32.mul (local.get $inW) (local.get $inC)))) (then (return)))
    (local.set $cp (i32.mul (local.get $inC) (local.get $dm)))
    (loop $bl
      (local.set $y (i32.const 0))
      (loop $yl
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $cp)
          (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $hp))
                                     (i32.add (local.get $y) (local.get $padH))) (local.get $wp))
                   (local.get $padW))) (i32.const 1))))
        (local.set $end (i32.add (local.get $src) (i32.mul (local.get $inW) (local.get $inC))))
        (loop $cl
          (local.set $x (i16x8.splat (i32.add (local.get $offset)
            (if (result i32) (local.get $kind)
              (then (i32.load8_u (local.get $src)))
              (else (i32.load8_s (local.get $src)))))))
          (local.set $m (local.get $dm))
          (loop $ml
            (v128.store align=2 (local.get $d) (local.get $x))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br_if $ml (local.tee $m (i32.sub (local.get $m) (i32.const 8)))))
          (local.set $src (i32.add (local.get $src) (i32.const 1)))
          (br_if $cl (i32.lt_u (local.get $src) (local.get $end))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br_if $yl (i32.lt_u (local.get $y) (local.get $inH))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bl (i32.lt_u (local.get $b) (local.get $batches)))))

  ;; pack: batches x inH x inW x inC input values (kind 0 int8, 1 uint8, 2 int16) plus offset into
  ;; the padded int16 image (kind 3: float32 values, copied as they are into a float32 image) [batches][hp][wp][cp] at (padH, padW); with dm > 1 input channel c fills
  ;; channels [c * dm, c * dm + dm) (depthwise). Padding is never written (it stays zero).
  (func (export "pack")
    (param $src i32) (param $kind i32) (param $dst i32) (param $batches i32) (param $inH i32)
    (param $inW i32) (param $inC i32) (param $offset i32) (param $dm i32) (param $hp i32)
    (param $wp i32) (param $cp i32) (param $padH i32) (param $padW i32)
    (local $b i32) (local $y i32) (local $x i32) (local $c i32) (local $m i32) (local $v i32)
    (local $d i32) (local $row i32) (local $esh i32)
    (local.set $esh (select (i32.const 2) (i32.const 1) (i32.eq (local.get $kind) (i32.const 3))))
    (if (i32.eqz (i32.mul (i32.mul (local.get $batches) (local.get $inH))
                          (i32.mul (local.get $inW) (local.get $inC)))) (then (return)))
    (loop $bl
      (local.set $y (i32.const 0))
      (loop $yl
        (local.set $row (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $cp)
          (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $hp))
                                     (i32.add (local.get $y) (local.get $padH))) (local.get $wp))
                   (local.get $padW))) (local.get $esh))))
        (local.set $x (i32.const 0))
        (loop $xl
          (local.set $d (i32.add (local.get $row) (i32.shl (i32.mul (local.get $x) (local.get $cp)) (local.get $esh))))
          (local.set $c (i32.const 0))
          (loop $cl
            (if (i32.eqz (local.get $kind))
              (then (local.set $v (i32.load8_s (local.get $src)))
                    (local.set $src (i32.add (local.get $src) (i32.const 1))))
              (else (if (i32.eq (local.get $kind) (i32.const 1))
                (then (local.set $v (i32.load8_u (local.get $src)))
                      (local.set $src (i32.add (local.get $src) (i32.const 1))))
                (else (if (i32.eq (local.get $kind) (i32.const 2))
                  (then (local.set $v (i32.load16_s (local.get $src)))
                        (local.set $src (i32.add (local.get $src) (i32.const 2))))
                  (else (local.set $v (i32.load (local.get $src)))
                        (local.set $src (i32.add (local.get $src) (i32.const 4)))))))))
            (local.set $v (i32.add (local.get $v) (local.get $offset)))
            (local.set $m (i32.const 0))
            (loop $ml
              (if (i32.eq (local.get $kind) (i32.const 3))
                (then (i32.store (local.get $d) (local.get $v))
                      (local.set $d (i32.add (local.get $d) (i32.const 4))))
                (else (i32.store16 (local.get $d) (local.get $v))
                      (local.set $d (i32.add (local.get $d) (i32.const 2)))))
              (local.set $m (i32.add (local.get $m) (i32.const 1)))
              (br_if $ml (i32.lt_u (local.get $m) (local.get $dm))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br_if $cl (i32.lt_u (local.get $c) (local.get $inC))))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br_if $xl (i32.lt_u (local.get $x) (local.get $inW))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br_if $yl (i32.lt_u (local.get $y) (local.get $inH))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bl (i32.lt_u (local.get $b) (local.get $batches)))))

  ;; pack8: pack for 8-bit inputs (kind 0 int8, 1 uint8) whose pixels keep their channels
  ;; together in the image (no depth multiplier, Cp = inC, a multiple of 8): each input row is one
  ;; run of inW * inC values, widened to int16 and offset eight at a time. The same image as pack.
  (func (export "pack8")
    (param $src i32) (param $kind i32) (param $dst i32) (param $batches i32) (param $inH i32)
    (param $inW i32) (param $inC i32) (param $offset i32) (param $hp i32) (param $wp i32)
    (param $padH i32) (param $padW i32)
    (local $b i32) (local $y i32) (local $d i32) (local $end i32) (local $off v128) (local $x v128)
    (if (i32.eqz (i32.mul (i32.mul (local.get $batches) (local.get $inH))
                          (i32.mul (local.get $inW) (local.get $inC)))) (then (return)))
    (local.set $off (i16x8.splat (local.get $offset)))
    (loop $bl
      (local.set $y (i32.const 0))
      (loop $yl
        (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $inC)
          (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $hp))
                                     (i32.add (local.get $y) (local.get $padH))) (local.get $wp))
                   (local.get $padW))) (i32.const 1))))
        (local.set $end (i32.add (local.get $src) (i32.mul (local.get $inW) (local.get $inC))))
        (loop $cl
          (local.set $x (v128.load64_zero align=1 (local.get $src)))
          (v128.store align=2 (local.get $d) (i16x8.add (local.get $off)
            (if (result v128) (local.get $kind)
              (then (i16x8.extend_low_i8x16_u (local.get $x)))
              (else (i16x8.extend_low_i8x16_s (local.get $x))))))
          (local.set $src (i32.add (local.get $src) (i32.const 8)))
          (local.set $d (i32.add (local.get $d) (i32.const 16)))
          (br_if $cl (i32.lt_u (local.get $src) (local.get $end))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br_if $yl (i32.lt_u (local.get $y) (local.get $inH))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bl (i32.lt_u (local.get $b) (local.get $batches)))))

  ;; requant_v: for each of `pixels` rows of int32 accumulators (`stride` apart, `channels` used),
  ;; out = clamp(MultiplyByQuantizedMultiplier(acc + bias, multiplier, shift) + out_offset, lo, hi)
  ;; stored as int8/uint8 (bytes 1) or int16 (bytes 2). Per channel, params holds the i32 triple
  ;; (bias, multiplier, shift); shift is within [-31, 30] (checked by the caller).
  ;; MultiplyByQuantizedMultiplier(x, m, shift) = RoundingDivideByPOT(
  ;;   SaturatingRoundingDoublingHighMul(x << max(shift, 0), m), max(-shift, 0)):
  ;;   the high mul is (x * m + 2^30) >> 31 in int64 (the same value as TFLite's nudge-and-truncate
  ;;   for either sign; its one saturating case needs m = -2^31, and multipliers are >= 0);
  ;;   RoundingDivideByPOT rounds half away from zero: (t >> e) + (remainder > threshold).
  ;; requant_v: the above four channels at a time (`vparams`, per block of four channels, 128
  ;; bytes: bias[4], multiplier[4], 2^max(shift, 0)[4], mask[4] = 2^e - 1, mask >> 1 [4], then
  ;; 2^(32 - e) as four i64, with e = max(-shift, 0), then at 112 the four channels' common e or
  ;; -1 when their e differ), the last channels one by one (`params`). With a common e, t >> e
  ;; is i32x4.shr_s (the same floor).
  ;; The same arithmetic on lanes: the left shift as a multiply by 2^shift (i32 wraps as shl
  ;; does), the high mul through i64x2.extmul and an arithmetic shift by 31, t >> e (floor) as
  ;; (t * 2^(32 - e)) >> 32 in i64 (exact: |t| < 2^31), plus (t & mask) > (mask >> 1) + (t < 0).
  (func (export "requant_v")
    (param $acc i32) (param $stride i32) (param $pixels i32) (param $channels i32)
    (param $params i32) (param $vparams i32) (param $out i32) (param $bytes i32) (param $outOff i32)
    (param $lo i32) (param $hi i32)
    (local $px i32) (local $c i32) (local $a i32) (local $pp i32) (local $shift i32) (local $t i32)
    (local $e i32) (local $mask i32) (local $row i32) (local $vp i32)
    (local $va v128) (local $vm v128) (local $vt v128) (local $vmask v128) (local $half v128)
    (if (i32.eqz (i32.mul (local.get $pixels) (local.get $channels))) (then (return)))
    (local.set $half (i64x2.splat (i64.const 1073741824)))
    (loop $pl
      (local.set $row (local.get $acc))
      (local.set $pp (local.get $params))
      (local.set $vp (local.get $vparams))
      (local.set $c (i32.const 0))
      (loop $cl
        (if (i32.le_u (i32.add (local.get $c) (i32.const 4)) (local.get $channels))
          (then
            (local.set $va (i32x4.mul
              (i32x4.add (v128.load align=4 (local.get $row)) (v128.load align=4 (local.get $vp)))
              (v128.load offset=32 align=4 (local.get $vp))))
            (local.set $vm (v128.load offset=16 align=4 (local.get $vp)))
            (local.set $vt (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
              (i64x2.shr_s (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $va) (local.get $vm))
                                      (local.get $half)) (i32.const 31))
              (i64x2.shr_s (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $va) (local.get $vm))
                                      (local.get $half)) (i32.const 31))))
            (local.set $vmask (v128.load offset=48 align=4 (local.get $vp)))
            ;; (t >> e) + (remainder > threshold): comparisons give -1 for true, so subtract
            (local.set $vt (i32x4.sub
              (if (result v128) (i32.ge_s (local.tee $e (i32.load offset=112 (local.get $vp))) (i32.const 0))
                (then (i32x4.shr_s (local.get $vt) (local.get $e)))
                (else
                  (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
                    (i64x2.mul (i64x2.extend_low_i32x4_s (local.get $vt)) (v128.load offset=80 align=8 (local.get $vp)))
                    (i64x2.mul (i64x2.extend_high_i32x4_s (local.get $vt)) (v128.load offset=96 align=8 (local.get $vp))))))
              (i32x4.gt_s (v128.and (local.get $vt) (local.get $vmask))
                          (i32x4.sub (v128.load offset=64 align=4 (local.get $vp))
                                     (i32x4.lt_s (local.get $vt) (v128.const i32x4 0 0 0 0))))))
            (local.set $vt (i32x4.min_s (i32x4.max_s
              (i32x4.add (local.get $vt) (i32x4.splat (local.get $outOff)))
              (i32x4.splat (local.get $lo))) (i32x4.splat (local.get $hi))))
            (if (i32.eq (local.get $bytes) (i32.const 1))
              (then
                ;; in [lo, hi], so the narrowing saturates nothing; the low byte of each lane
                (v128.store32_lane align=1 0 (local.get $out)
                  (i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $vt) (local.get $vt)))
                (local.set $out (i32.add (local.get $out) (i32.const 4))))
              (else
                (v128.store64_lane align=2 0 (local.get $out)
                  (i8x16.shuffle 0 1 4 5 8 9 12 13 0 0 0 0 0 0 0 0 (local.get $vt) (local.get $vt)))
                (local.set $out (i32.add (local.get $out) (i32.const 8)))))
            (local.set $row (i32.add (local.get $row) (i32.const 16)))
            (local.set $pp (i32.add (local.get $pp) (i32.const 48)))
            (local.set $vp (i32.add (local.get $vp) (i32.const 128)))
            (local.set $c (i32.add (local.get $c) (i32.const 4))))
          (else
            (local.set $a (i32.add (i32.load (local.get $row)) (i32.load (local.get $pp))))
            (local.set $shift (i32.load offset=8 (local.get $pp)))
            (if (i32.gt_s (local.get $shift) (i32.const 0))
              (then (local.set $a (i32.shl (local.get $a) (local.get $shift)))))
            (local.set $t (i32.wrap_i64 (i64.shr_s
              (i64.add (i64.mul (i64.extend_i32_s (local.get $a)) (i64.extend_i32_s (i32.load offset=4 (local.get $pp))))
                       (i64.const 1073741824))
              (i64.const 31))))
            (if (i32.lt_s (local.get $shift) (i32.const 0))
              (then
                (local.set $e (i32.sub (i32.const 0) (local.get $shift)))
                (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $e)) (i32.const 1)))
                (local.set $t (i32.add (i32.shr_s (local.get $t) (local.get $e))
                  (i32.gt_s (i32.and (local.get $t) (local.get $mask))
                            (i32.add (i32.shr_s (local.get $mask) (i32.const 1))
                                     (i32.lt_s (local.get $t) (i32.const 0))))))))
            (local.set $t (i32.add (local.get $t) (local.get $outOff)))
            (if (i32.lt_s (local.get $t) (local.get $lo)) (then (local.set $t (local.get $lo))))
            (if (i32.gt_s (local.get $t) (local.get $hi)) (then (local.set $t (local.get $hi))))
            (if (i32.eq (local.get $bytes) (i32.const 1))
              (then (i32.store8 (local.get $out) (local.get $t))
                    (local.set $out (i32.add (local.get $out) (i32.const 1))))
              (else (i32.store16 (local.get $out) (local.get $t))
                    (local.set $out (i32.add (local.get $out) (i32.const 2)))))
            (local.set $row (i32.add (local.get $row) (i32.const 4)))
            (local.set $pp (i32.add (local.get $pp) (i32.const 12)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))))
        (br_if $cl (i32.lt_u (local.get $c) (local.get $channels))))
      (local.set $acc (i32.add (local.get $acc) (i32.shl (local.get $stride) (i32.const 2))))
      (local.set $px (i32.add (local.get $px) (i32.const 1)))
      (br_if $pl (i32.lt_u (local.get $px) (local.get $pixels)))))

  ;; Float kernels. The reference kernels sum float32 products in double, in a fixed order per
  ;; output; these do the same with f64x2 (a float32 x float32 product is exact in double, each
  ;; add rounds once, no fused multiply-add), in the same order, so the sums are identical. The
  ;; padded image adds products with zero inputs between the real ones: with finite weights
  ;; (checked by the caller) such a product is +-0, and acc + +-0 = acc for any acc except -0,
  ;; which a sum starting at +0 never is (x + -x = +0 when rounding to nearest).
  ;; Layouts: image float32 [Hp][Wp][C]; weights f64 (the float32 weights, exact in double,
  ;; converted once in prepare): conv_f [out_c / 8][kH][kW][C][8], dw_f [kH][kW][Cp] (Cp a
  ;; multiple of 8); accumulators f64.

  ;; conv_f: acc[oy][ox][oc] (blocks * 8 per pixel) = sum over fy, fx, c in that order of
  ;;   in[oy * strideH + fy * dilH][ox * strideW + fx * dilW][c] * w[oc][fy][fx][c]
  ;; Two output pixels of a row at a time (eight f64x2 sums), so each weight load serves both.
  (func (export "conv_f")
    (param $in i32) (param $w i32) (param $out i32) (param $outH i32) (param $outW i32)
    (param $strideH i32) (param $strideW i32) (param $dilH i32) (param $dilW i32)
    (param $kH i32) (param $kW i32) (param $c i32) (param $wp i32) (param $blocks i32)
    (local $pix i32) (local $row i32) (local $oy i32) (local $ox i32) (local $ob i32)
    (local $fy i32) (local $fx i32) (local $origin i32) (local $rowp i32) (local $p i32)
    (local $cend i32) (local $wptr i32) (local $x v128) (local $y v128) (local $wv v128)
    (local $pair i32) (local $d i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $pix (i32.shl (local.get $c) (i32.const 2)))
    (local.set $row (i32.mul (local.get $wp) (local.get $pix)))
    (if (i32.eqz (i32.mul (i32.mul (local.get $outH) (local.get $c)) (i32.mul (local.get $outW) (local.get $blocks)))) (then (return)))
    (loop $yl
      (local.set $ox (i32.const 0))
      (loop $xl
        ;; $d: byte distance to the second pixel's window (0 when this pixel ends the row: the
        ;; second set of sums is then computed on the same window and not stored).
        (local.set $pair (i32.lt_u (i32.add (local.get $ox) (i32.const 1)) (local.get $outW)))
        (local.set $d (select (i32.mul (local.get $strideW) (local.get $pix)) (i32.const 0) (local.get $pair)))
        (local.set $origin (i32.add (local.get $in)
          (i32.add (i32.mul (i32.mul (local.get $oy) (local.get $strideH)) (local.get $row))
                   (i32.mul (i32.mul (local.get $ox) (local.get $strideW)) (local.get $pix)))))
        (local.set $wptr (local.get $w))
        (local.set $ob (i32.const 0))
        (loop $bl
          (local.set $a0 (v128.const f64x2 0 0))
          (local.set $a1 (v128.const f64x2 0 0))
          (local.set $a2 (v128.const f64x2 0 0))
          (local.set $a3 (v128.const f64x2 0 0))
          (local.set $b0 (v128.const f64x2 0 0))
          (local.set $b1 (v128.const f64x2 0 0))
          (local.set $b2 (v128.const f64x2 0 0))
          (local.set $b3 (v128.const f64x2 0 0))
          (local.set $fy (i32.const 0))
          (loop $fyl
            (local.set $rowp (i32.add (local.get $origin)
              (i32.mul (i32.mul (local.get $fy) (local.get $dilH)) (local.get $row))))
            (local.set $fx (i32.const 0))
            (loop $fxl
              (local.set $p (i32.add (local.get $rowp)
                (i32.mul (i32.mul (local.get $fx) (local.get $dilW)) (local.get $pix))))
              (local.set $cend (i32.add (local.get $p) (local.get $pix)))
              (loop $cl
                (local.set $x (f64x2.splat (f64.promote_f32 (f32.load (local.get $p)))))
                (local.set $y (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $p) (local.get $d))))))
                (local.set $wv (v128.load align=8 (local.get $wptr)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $x) (local.get $wv))))
                (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $y) (local.get $wv))))
                (local.set $wv (v128.load offset=16 align=8 (local.get $wptr)))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $x) (local.get $wv))))
                (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $y) (local.get $wv))))
                (local.set $wv (v128.load offset=32 align=8 (local.get $wptr)))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $x) (local.get $wv))))
                (local.set $b2 (f64x2.add (local.get $b2) (f64x2.mul (local.get $y) (local.get $wv))))
                (local.set $wv (v128.load offset=48 align=8 (local.get $wptr)))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $x) (local.get $wv))))
                (local.set $b3 (f64x2.add (local.get $b3) (f64x2.mul (local.get $y) (local.get $wv))))
                (local.set $wptr (i32.add (local.get $wptr) (i32.const 64)))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (br_if $cl (i32.lt_u (local.get $p) (local.get $cend))))
              (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
              (br_if $fxl (i32.lt_u (local.get $fx) (local.get $kW))))
            (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
            (br_if $fyl (i32.lt_u (local.get $fy) (local.get $kH))))
          (v128.store align=8 (local.get $out) (local.get $a0))
          (v128.store offset=16 align=8 (local.get $out) (local.get $a1))
          (v128.store offset=32 align=8 (local.get $out) (local.get $a2))
          (v128.store offset=48 align=8 (local.get $out) (local.get $a3))
          (if (local.get $pair)
            (then
              (local.set $p (i32.add (local.get $out) (i32.shl (local.get $blocks) (i32.const 6))))
              (v128.store align=8 (local.get $p) (local.get $b0))
              (v128.store offset=16 align=8 (local.get $p) (local.get $b1))
              (v128.store offset=32 align=8 (local.get $p) (local.get $b2))
              (v128.store offset=48 align=8 (local.get $p) (local.get $b3))))
          (local.set $out (i32.add (local.get $out) (i32.const 64)))
          (local.set $ob (i32.add (local.get $ob) (i32.const 1)))
          (br_if $bl (i32.lt_u (local.get $ob) (local.get $blocks))))
        (if (local.get $pair)
          (then (local.set $out (i32.add (local.get $out) (i32.shl (local.get $blocks) (i32.const 6))))))
        (local.set $ox (i32.add (local.get $ox) (i32.add (i32.const 1) (local.get $pair))))
        (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH)))))

  ;; conv_f32: as conv_f, but float32 sums (f32x4, no fused multiply-add) of sixteen output channels
  ;;   (four f32x4) for two output pixels at a time; weights float32 [out_c / 16][kH][kW][inC][16],
  ;;   accumulators float32 [pixel][blocks * 16]. Not the reference's double sums: the float kernels
  ;;   that use it are tested against the reference within float32 rounding (float-conv-wasm.test.ts).
  (func (export "conv_f32")
    (param $in i32) (param $w i32) (param $out i32) (param $outH i32) (param $outW i32)
    (param $strideH i32) (param $strideW i32) (param $dilH i32) (param $dilW i32)
    (param $kH i32) (param $kW i32) (param $c i32) (param $wp i32) (param $blocks i32)
    (local $pix i32) (local $row i32) (local $oy i32) (local $ox i32) (local $ob i32)
    (local $fy i32) (local $fx i32) (local $origin i32) (local $rowp i32) (local $p i32)
    (local $cend i32) (local $wptr i32) (local $x v128) (local $y v128) (local $wv v128)
    (local $pair i32) (local $d i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $pix (i32.shl (local.get $c) (i32.const 2)))
    (local.set $row (i32.mul (local.get $wp) (local.get $pix)))
    (if (i32.eqz (i32.mul (i32.mul (local.get $outH) (local.get $c)) (i32.mul (local.get $outW) (local.get $blocks)))) (then (return)))
    (loop $yl
      (local.set $ox (i32.const 0))
      (loop $xl
        ;; $d: byte distance to the second pixel's window (0 when this pixel ends the row: the
        ;; second set of sums is then computed on the same window and not stored).
        (local.set $pair (i32.lt_u (i32.add (local.get $ox) (i32.const 1)) (local.get $outW)))
        (local.set $d (select (i32.mul (local.get $strideW) (local.get $pix)) (i32.const 0) (local.get $pair)))
        (local.set $origin (i32.add (local.get $in)
          (i32.add (i32.mul (i32.mul (local.get $oy) (local.get $strideH)) (local.get $row))
                   (i32.mul (i32.mul (local.get $ox) (local.get $strideW)) (local.get $pix)))))
        (local.set $wptr (local.get $w))
        (local.set $ob (i32.const 0))
        (loop $bl
          (local.set $a0 (v128.const f32x4 0 0 0 0))
          (local.set $a1 (v128.const f32x4 0 0 0 0))
          (local.set $a2 (v128.const f32x4 0 0 0 0))
          (local.set $a3 (v128.const f32x4 0 0 0 0))
          (local.set $b0 (v128.const f32x4 0 0 0 0))
          (local.set $b1 (v128.const f32x4 0 0 0 0))
          (local.set $b2 (v128.const f32x4 0 0 0 0))
          (local.set $b3 (v128.const f32x4 0 0 0 0))
          (local.set $fy (i32.const 0))
          (loop $fyl
            (local.set $rowp (i32.add (local.get $origin)
              (i32.mul (i32.mul (local.get $fy) (local.get $dilH)) (local.get $row))))
            (local.set $fx (i32.const 0))
            (loop $fxl
              (local.set $p (i32.add (local.get $rowp)
                (i32.mul (i32.mul (local.get $fx) (local.get $dilW)) (local.get $pix))))
              (local.set $cend (i32.add (local.get $p) (local.get $pix)))
              (loop $cl
                (local.set $x (f32x4.splat (f32.load (local.get $p))))
                (local.set $y (f32x4.splat (f32.load (i32.add (local.get $p) (local.get $d)))))
                (local.set $wv (v128.load align=4 (local.get $wptr)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $x) (local.get $wv))))
                (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $y) (local.get $wv))))
                (local.set $wv (v128.load offset=16 align=4 (local.get $wptr)))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $x) (local.get $wv))))
                (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $y) (local.get $wv))))
                (local.set $wv (v128.load offset=32 align=4 (local.get $wptr)))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $x) (local.get $wv))))
                (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $y) (local.get $wv))))
                (local.set $wv (v128.load offset=48 align=4 (local.get $wptr)))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $x) (local.get $wv))))
                (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $y) (local.get $wv))))
                (local.set $wptr (i32.add (local.get $wptr) (i32.const 64)))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (br_if $cl (i32.lt_u (local.get $p) (local.get $cend))))
              (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
              (br_if $fxl (i32.lt_u (local.get $fx) (local.get $kW))))
            (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
            (br_if $fyl (i32.lt_u (local.get $fy) (local.get $kH))))
          (v128.store align=4 (local.get $out) (local.get $a0))
          (v128.store offset=16 align=4 (local.get $out) (local.get $a1))
          (v128.store offset=32 align=4 (local.get $out) (local.get $a2))
          (v128.store offset=48 align=4 (local.get $out) (local.get $a3))
          (if (local.get $pair)
            (then
              (local.set $p (i32.add (local.get $out) (i32.shl (local.get $blocks) (i32.const 6))))
              (v128.store align=4 (local.get $p) (local.get $b0))
              (v128.store offset=16 align=4 (local.get $p) (local.get $b1))
              (v128.store offset=32 align=4 (local.get $p) (local.get $b2))
              (v128.store offset=48 align=4 (local.get $p) (local.get $b3))))
          (local.set $out (i32.add (local.get $out) (i32.const 64)))
          (local.set $ob (i32.add (local.get $ob) (i32.const 1)))
          (br_if $bl (i32.lt_u (local.get $ob) (local.get $blocks))))
        (if (local.get $pair)
          (then (local.set $out (i32.add (local.get $out) (i32.shl (local.get $blocks) (i32.const 6))))))
        (local.set $ox (i32.add (local.get $ox) (i32.add (i32.const 1) (local.get $pair))))
        (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH)))))

  ;; conv_i: int32 sums of CONV_2D over a padded int16 image of $c (even) channels per pixel, two
  ;;   output pixels along a row by sixteen output channels at a time: each 32-bit load takes a
  ;;   pair of input channels into every lane (v128.load32_splat, 10-15% faster than i32.load
  ;;   then i32x4.splat), and i32x4.dot_i16x8_s against weights packed
  ;;   [blocks][kH][kW][c / 2][16][2] adds both products into four output channels at once (no
  ;;   horizontal sums). acc: [outH][outW][blocks * 16] int32, wrapped mod 2^32 as C's are.
  (func (export "conv_i")
    (param $in i32) (param $w i32) (param $out i32) (param $outH i32) (param $outW i32)
    (param $strideH i32) (param $strideW i32) (param $dilH i32) (param $dilW i32)
    (param $kH i32) (param $kW i32) (param $c i32) (param $wp i32) (param $blocks i32)
    (local $pix i32) (local $row i32) (local $oy i32) (local $ox i32) (local $ob i32)
    (local $fy i32) (local $fx i32) (local $origin i32) (local $rowp i32) (local $p i32)
    (local $cend i32) (local $wptr i32) (local $x v128) (local $y v128) (local $wv v128)
    (local $pair i32) (local $d i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $pix (i32.shl (local.get $c) (i32.const 1)))
    (local.set $row (i32.mul (local.get $wp) (local.get $pix)))
    (if (i32.eqz (i32.mul (i32.mul (local.get $outH) (local.get $c)) (i32.mul (local.get $outW) (local.get $blocks)))) (then (return)))
    (loop $yl
      (local.set $ox (i32.const 0))
      (loop $xl
        ;; $d: byte distance to the second pixel's window (0 when this pixel ends the row: the
        ;; second set of sums is then computed on the same window and not stored).
        (local.set $pair (i32.lt_u (i32.add (local.get $ox) (i32.const 1)) (local.get $outW)))
        (local.set $d (select (i32.mul (local.get $strideW) (local.get $pix)) (i32.const 0) (local.get $pair)))
        (local.set $origin (i32.add (local.get $in)
          (i32.add (i32.mul (i32.mul (local.get $oy) (local.get $strideH)) (local.get $row))
                   (i32.mul (i32.mul (local.get $ox) (local.get $strideW)) (local.get $pix)))))
        (local.set $wptr (local.get $w))
        (local.set $ob (i32.const 0))
        (loop $bl
          (local.set $a0 (v128.const i32x4 0 0 0 0))
          (local.set $a1 (v128.const i32x4 0 0 0 0))
          (local.set $a2 (v128.const i32x4 0 0 0 0))
          (local.set $a3 (v128.const i32x4 0 0 0 0))
          (local.set $b0 (v128.const i32x4 0 0 0 0))
          (local.set $b1 (v128.const i32x4 0 0 0 0))
          (local.set $b2 (v128.const i32x4 0 0 0 0))
          (local.set $b3 (v128.const i32x4 0 0 0 0))
          (local.set $fy (i32.const 0))
          (loop $fyl
            (local.set $rowp (i32.add (local.get $origin)
              (i32.mul (i32.mul (local.get $fy) (local.get $dilH)) (local.get $row))))
            (local.set $fx (i32.const 0))
            (loop $fxl
              (local.set $p (i32.add (local.get $rowp)
                (i32.mul (i32.mul (local.get $fx) (local.get $dilW)) (local.get $pix))))
              (local.set $cend (i32.add (local.get $p) (local.get $pix)))
              (loop $cl
                (local.set $x (v128.load32_splat (local.get $p)))
                (local.set $y (v128.load32_splat (i32.add (local.get $p) (local.get $d))))
                (local.set $wv (v128.load align=2 (local.get $wptr)))
                (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (local.get $x) (local.get $wv))))
                (local.set $b0 (i32x4.add (local.get $b0) (i32x4.dot_i16x8_s (local.get $y) (local.get $wv))))
                (local.set $wv (v128.load offset=16 align=2 (local.get $wptr)))
                (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s (local.get $x) (local.get $wv))))
                (local.set $b1 (i32x4.add (local.get $b1) (i32x4.dot_i16x8_s (local.get $y) (local.get $wv))))
                (local.set $wv (v128.load offset=32 align=2 (local.get $wptr)))
                (local.set $a2 (i32x4.add (local.get $a2) (i32x4.dot_i16x8_s (local.get $x) (local.get $wv))))
                (local.set $b2 (i32x4.add (local.get $b2) (i32x4.dot_i16x8_s (local.get $y) (local.get $wv))))
                (local.set $wv (v128.load offset=48 align=2 (local.get $wptr)))
                (local.set $a3 (i32x4.add (local.get $a3) (i32x4.dot_i16x8_s (local.get $x) (local.get $wv))))
                (local.set $b3 (i32x4.add (local.get $b3) (i32x4.dot_i16x8_s (local.get $y) (local.get $wv))))
                (local.set $wptr (i32.add (local.get $wptr) (i32.const 64)))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (br_if $cl (i32.lt_u (local.get $p) (local.get $cend))))
              (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
              (br_if $fxl (i32.lt_u (local.get $fx) (local.get $kW))))
            (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
            (br_if $fyl (i32.lt_u (local.get $fy) (local.get $kH))))
          (v128.store align=4 (local.get $out) (local.get $a0))
          (v128.store offset=16 align=4 (local.get $out) (local.get $a1))
          (v128.store offset=32 align=4 (local.get $out) (local.get $a2))
          (v128.store offset=48 align=4 (local.get $out) (local.get $a3))
          (if (local.get $pair)
            (then
              (local.set $p (i32.add (local.get $out) (i32.shl (local.get $blocks) (i32.const 6))))
              (v128.store align=4 (local.get $p) (local.get $b0))
              (v128.store offset=16 align=4 (local.get $p) (local.get $b1))
              (v128.store offset=32 align=4 (local.get $p) (local.get $b2))
              (v128.store offset=48 align=4 (local.get $p) (local.get $b3))))
          (local.set $out (i32.add (local.get $out) (i32.const 64)))
          (local.set $ob (i32.add (local.get $ob) (i32.const 1)))
          (br_if $bl (i32.lt_u (local.get $ob) (local.get $blocks))))
        (if (local.get $pair)
          (then (local.set $out (i32.add (local.get $out) (i32.shl (local.get $blocks) (i32.const 6))))))
        (local.set $ox (i32.add (local.get $ox) (i32.add (i32.const 1) (local.get $pair))))
        (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH)))))

  ;; dw_f: acc[oy][ox][c] (Cp per pixel) = sum over fy, fx in that order of
  ;;   in[oy * strideH + fy * dilH][ox * strideW + fx * dilW][c] * w[fy][fx][c], eight channels
  ;;   (four f64x2 sums) at a time
  (func (export "dw_f")
    (param $in i32) (param $w i32) (param $out i32) (param $outH i32) (param $outW i32)
    (param $strideH i32) (param $strideW i32) (param $dilH i32) (param $dilW i32)
    (param $kH i32) (param $kW i32) (param $cp i32) (param $wp i32)
    (local $pix i32) (local $row i32) (local $oy i32) (local $ox i32) (local $cb i32)
    (local $fy i32) (local $fx i32) (local $origin i32) (local $rowp i32) (local $p i32)
    (local $wptr i32) (local $wstep i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $pix (i32.shl (local.get $cp) (i32.const 2)))
    (local.set $wstep (i32.shl (local.get $cp) (i32.const 3)))
    (local.set $row (i32.mul (local.get $wp) (local.get $pix)))
    (if (i32.eqz (i32.mul (local.get $outH) (i32.mul (local.get $outW) (local.get $cp)))) (then (return)))
    (loop $yl
      (local.set $ox (i32.const 0))
      (loop $xl
        (local.set $origin (i32.add (local.get $in)
          (i32.add (i32.mul (i32.mul (local.get $oy) (local.get $strideH)) (local.get $row))
                   (i32.mul (i32.mul (local.get $ox) (local.get $strideW)) (local.get $pix)))))
        (local.set $cb (i32.const 0))
        (loop $cl
          (local.set $a0 (v128.const f64x2 0 0))
          (local.set $a1 (v128.const f64x2 0 0))
          (local.set $a2 (v128.const f64x2 0 0))
          (local.set $a3 (v128.const f64x2 0 0))
          (local.set $wptr (i32.add (local.get $w) (i32.shl (local.get $cb) (i32.const 1))))
          (local.set $fy (i32.const 0))
          (loop $fyl
            (local.set $rowp (i32.add (i32.add (local.get $origin) (local.get $cb))
              (i32.mul (i32.mul (local.get $fy) (local.get $dilH)) (local.get $row))))
            (local.set $fx (i32.const 0))
            (loop $fxl
              (local.set $p (i32.add (local.get $rowp)
                (i32.mul (i32.mul (local.get $fx) (local.get $dilW)) (local.get $pix))))
              (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul
                (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p)))
                (v128.load align=8 (local.get $wptr)))))
              (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul
                (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (local.get $p)))
                (v128.load offset=16 align=8 (local.get $wptr)))))
              (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul
                (f64x2.promote_low_f32x4 (v128.load64_zero offset=16 align=4 (local.get $p)))
                (v128.load offset=32 align=8 (local.get $wptr)))))
              (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul
                (f64x2.promote_low_f32x4 (v128.load64_zero offset=24 align=4 (local.get $p)))
                (v128.load offset=48 align=8 (local.get $wptr)))))
              (local.set $wptr (i32.add (local.get $wptr) (local.get $wstep)))
              (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
              (br_if $fxl (i32.lt_u (local.get $fx) (local.get $kW))))
            (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
            (br_if $fyl (i32.lt_u (local.get $fy) (local.get $kH))))
          (v128.store align=8 (local.get $out) (local.get $a0))
          (v128.store offset=16 align=8 (local.get $out) (local.get $a1))
          (v128.store offset=32 align=8 (local.get $out) (local.get $a2))
          (v128.store offset=48 align=8 (local.get $out) (local.get $a3))
          (local.set $out (i32.add (local.get $out) (i32.const 64)))
          (local.set $cb (i32.add (local.get $cb) (i32.const 32)))
          (br_if $cl (i32.lt_u (local.get $cb) (local.get $pix))))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH)))))

  ;; dw_f32: as dw_f, but float32 sums (f32x4, no fused multiply-add), eight channels (two f32x4)
  ;;   at a time; weights float32 [kH][kW][Cp], accumulators float32 [pixel][Cp].
  (func (export "dw_f32")
    (param $in i32) (param $w i32) (param $out i32) (param $outH i32) (param $outW i32)
    (param $strideH i32) (param $strideW i32) (param $dilH i32) (param $dilW i32)
    (param $kH i32) (param $kW i32) (param $cp i32) (param $wp i32)
    (local $pix i32) (local $row i32) (local $oy i32) (local $ox i32) (local $cb i32)
    (local $fy i32) (local $fx i32) (local $origin i32) (local $rowp i32) (local $p i32)
    (local $wptr i32) (local $wstep i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $pix (i32.shl (local.get $cp) (i32.const 2)))
    (local.set $wstep (i32.shl (local.get $cp) (i32.const 2)))
    (local.set $row (i32.mul (local.get $wp) (local.get $pix)))
    (if (i32.eqz (i32.mul (local.get $outH) (i32.mul (local.get $outW) (local.get $cp)))) (then (return)))
    (loop $yl
      (local.set $ox (i32.const 0))
      (loop $xl
        (local.set $origin (i32.add (local.get $in)
          (i32.add (i32.mul (i32.mul (local.get $oy) (local.get $strideH)) (local.get $row))
                   (i32.mul (i32.mul (local.get $ox) (local.get $strideW)) (local.get $pix)))))
        (local.set $cb (i32.const 0))
        (loop $cl
          (local.set $a0 (v128.const f32x4 0 0 0 0))
          (local.set $a1 (v128.const f32x4 0 0 0 0))
          (local.set $a2 (v128.const f32x4 0 0 0 0))
          (local.set $a3 (v128.const f32x4 0 0 0 0))
          (local.set $wptr (i32.add (local.get $w) (local.get $cb)))
          (local.set $fy (i32.const 0))
          (loop $fyl
            (local.set $rowp (i32.add (i32.add (local.get $origin) (local.get $cb))
              (i32.mul (i32.mul (local.get $fy) (local.get $dilH)) (local.get $row))))
            (local.set $fx (i32.const 0))
            (loop $fxl
              (local.set $p (i32.add (local.get $rowp)
                (i32.mul (i32.mul (local.get $fx) (local.get $dilW)) (local.get $pix))))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul
                (v128.load align=4 (local.get $p)) (v128.load align=4 (local.get $wptr)))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul
                (v128.load offset=16 align=4 (local.get $p)) (v128.load offset=16 align=4 (local.get $wptr)))))
              (local.set $wptr (i32.add (local.get $wptr) (local.get $wstep)))
              (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
              (br_if $fxl (i32.lt_u (local.get $fx) (local.get $kW))))
            (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
            (br_if $fyl (i32.lt_u (local.get $fy) (local.get $kH))))
          (v128.store align=4 (local.get $out) (local.get $a0))
          (v128.store offset=16 align=4 (local.get $out) (local.get $a1))
          (local.set $out (i32.add (local.get $out) (i32.const 32)))
          (local.set $cb (i32.add (local.get $cb) (i32.const 32)))
          (br_if $cl (i32.lt_u (local.get $cb) (local.get $pix))))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH)))))

  ;; finish_f: out[pixel][c] = float32(clamp(v, lo, hi)) for `pixels` rows of f64 sums (`stride`
  ;; apart, `channels` used), v = acc + bias[c] (conv, dw) or, with round_first, float32(acc) +
  ;; bias[c] (FULLY_CONNECTED); bias is f64 (zeros when the model has none: adding +0 changes no
  ;; sum, which is never -0). The clamp is the reference's `v < lo ? lo : v > hi ? hi : v` (NaN
  ;; passes through).
  (func (export "finish_f")
    (param $acc i32) (param $stride i32) (param $pixels i32) (param $channels i32)
    (param $bias i32) (param $out i32) (param $lo f64) (param $hi f64) (param $roundFirst i32)
    (local $px i32) (local $c i32) (local $v f64) (local $row i32)
    (if (i32.eqz (i32.mul (local.get $pixels) (local.get $channels))) (then (return)))
    (loop $pl
      (local.set $row (local.get $acc))
      (local.set $c (i32.const 0))
      (loop $cl
        (local.set $v (f64.load (local.get $row)))
        (if (local.get $roundFirst) (then (local.set $v (f64.promote_f32 (f32.demote_f64 (local.get $v))))))
        (local.set $v (f64.add (local.get $v) (f64.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 3))))))
        (if (f64.lt (local.get $v) (local.get $lo)) (then (local.set $v (local.get $lo)))
          (else (if (f64.gt (local.get $v) (local.get $hi)) (then (local.set $v (local.get $hi))))))
        (f32.store (local.get $out) (f32.demote_f64 (local.get $v)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $row (i32.add (local.get $row) (i32.const 8)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $cl (i32.lt_u (local.get $c) (local.get $channels))))
      (local.set $acc (i32.add (local.get $acc) (i32.shl (local.get $stride) (i32.const 3))))
      (local.set $px (i32.add (local.get $px) (i32.const 1)))
      (br_if $pl (i32.lt_u (local.get $px) (local.get $pixels)))))

  ;; finish_f32: as finish_f (no round_first) for the float32 sums of conv_f32 and dw_f32, four
  ;; channels at a time: v = acc + bias[c] in float32 (bias float32 here; the float32 sum of two
  ;; float32 values equals their double sum rounded to float32, as finish_f's), then the
  ;; reference's clamp `v < lo ? lo : v > hi ? hi : v`, which is f32x4.pmax(v, lo) then
  ;; f32x4.pmin(v, hi) exactly (NaN passes through, -0 stays -0); the last channels one by one.
  (func (export "finish_f32")
    (param $acc i32) (param $stride i32) (param $pixels i32) (param $channels i32)
    (param $bias i32) (param $out i32) (param $lo f32) (param $hi f32)
    (local $px i32) (local $c i32) (local $v f32) (local $row i32) (local $vlo v128) (local $vhi v128)
    (local $vec i32)
    (if (i32.eqz (i32.mul (local.get $pixels) (local.get $channels))) (then (return)))
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (local.set $vec (i32.and (local.get $channels) (i32.const -4)))
    (loop $pl
      (local.set $row (local.get $acc))
      (local.set $c (i32.const 0))
      (block $vdone
        (br_if $vdone (i32.eqz (local.get $vec)))
        (loop $vl
          (v128.store align=4 (local.get $out)
            (f32x4.pmin (f32x4.pmax
              (f32x4.add (v128.load align=4 (local.get $row))
                         (v128.load align=4 (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))
              (local.get $vlo)) (local.get $vhi)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $row (i32.add (local.get $row) (i32.const 16)))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br_if $vl (i32.lt_u (local.get $c) (local.get $vec)))))
      (block $sdone
        (br_if $sdone (i32.ge_u (local.get $c) (local.get $channels)))
        (loop $sl
          (local.set $v (f32.add (f32.load (local.get $row))
            (f32.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2))))))
          (if (f32.lt (local.get $v) (local.get $lo)) (then (local.set $v (local.get $lo)))
            (else (if (f32.gt (local.get $v) (local.get $hi)) (then (local.set $v (local.get $hi))))))
          (f32.store (local.get $out) (local.get $v))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $row (i32.add (local.get $row) (i32.const 4)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $sl (i32.lt_u (local.get $c) (local.get $channels)))))
      (local.set $acc (i32.add (local.get $acc) (i32.shl (local.get $stride) (i32.const 2))))
      (local.set $px (i32.add (local.get $px) (i32.const 1)))
      (br_if $pl (i32.lt_u (local.get $px) (local.get $pixels)))))

  ;; maxpool_s8: MAX_POOL_2D of int8 values [batches][inH][inW][cb] (cb bytes per pixel), the
  ;;   maximum over each window's in-image taps from -128, clamped to [lo, hi], sixteen bytes
  ;;   of channels at a time. A pixel's last group may run past its channels: the extra lanes
  ;;   land on the next pixel's outputs (rewritten when that pixel is done) or, for the last
  ;;   pixel, on sixteen bytes of slack after the output; reads may likewise run 16 bytes past the
  ;;   input.
  (func (export "maxpool_s8")
    (param $in i32) (param $out i32) (param $batches i32) (param $inH i32) (param $inW i32)
    (param $cb i32) (param $outH i32) (param $outW i32) (param $strideH i32) (param $strideW i32)
    (param $padH i32) (param $padW i32) (param $kH i32) (param $kW i32) (param $lo i32) (param $hi i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $y0 i32) (local $y1 i32) (local $x0 i32)
    (local $x1 i32) (local $y i32) (local $x i32) (local $off i32) (local $img i32) (local $rowp i32)
    (local $m v128) (local $vlo v128) (local $vhi v128)
    (local.set $vlo (i8x16.splat (local.get $lo)))
    (local.set $vhi (i8x16.splat (local.get $hi)))
    (if (i32.eqz (i32.mul (i32.mul (local.get $batches) (local.get $cb)) (i32.mul (local.get $outH) (local.get $outW)))) (then (return)))
    (loop $bl
      (local.set $img (i32.add (local.get $in)
        (i32.mul (local.get $b) (i32.mul (i32.mul (local.get $inH) (local.get $inW)) (local.get $cb)))))
      (local.set $oy (i32.const 0))
      (loop $yl
        (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $strideH)) (local.get $padH)))
        (local.set $y1 (i32.add (local.get $y0) (local.get $kH)))
        (if (i32.lt_s (local.get $y0) (i32.const 0)) (then (local.set $y0 (i32.const 0))))
        (if (i32.gt_s (local.get $y1) (local.get $inH)) (then (local.set $y1 (local.get $inH))))
        (local.set $ox (i32.const 0))
        (loop $xl
          (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $strideW)) (local.get $padW)))
          (local.set $x1 (i32.add (local.get $x0) (local.get $kW)))
          (if (i32.lt_s (local.get $x0) (i32.const 0)) (then (local.set $x0 (i32.const 0))))
          (if (i32.gt_s (local.get $x1) (local.get $inW)) (then (local.set $x1 (local.get $inW))))
          (local.set $off (i32.const 0))
          (loop $cl
            (local.set $m (v128.const i32x4 0x80808080 0x80808080 0x80808080 0x80808080))
            (local.set $y (local.get $y0))
            (block $yd
              (loop $tyl
                (br_if $yd (i32.ge_s (local.get $y) (local.get $y1)))
                (local.set $rowp (i32.add (i32.add (local.get $img) (local.get $off))
                  (i32.mul (i32.mul (local.get $y) (local.get $inW)) (local.get $cb))))
                (local.set $x (local.get $x0))
                (block $xd
                  (loop $txl
                    (br_if $xd (i32.ge_s (local.get $x) (local.get $x1)))
                    (local.set $m (i8x16.max_s (local.get $m)
                      (v128.load align=1 (i32.add (local.get $rowp) (i32.mul (local.get $x) (local.get $cb))))))
                    (local.set $x (i32.add (local.get $x) (i32.const 1)))
                    (br $txl)))
                (local.set $y (i32.add (local.get $y) (i32.const 1)))
                (br $tyl)))
            (v128.store align=1 (i32.add (local.get $out) (local.get $off))
              (i8x16.min_s (i8x16.max_s (local.get $m) (local.get $vlo)) (local.get $vhi)))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br_if $cl (i32.lt_u (local.get $off) (local.get $cb))))
          (local.set $out (i32.add (local.get $out) (local.get $cb)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bl (i32.lt_u (local.get $b) (local.get $batches)))))

  ;; maxpool_u8: MAX_POOL_2D of uint8 values [batches][inH][inW][cb] (cb bytes per pixel), the
  ;;   maximum over each window's in-image taps from 0, clamped to [lo, hi], sixteen bytes
  ;;   of channels at a time. A pixel's last group may run past its channels: the extra lanes
  ;;   land on the next pixel's outputs (rewritten when that pixel is done) or, for the last
  ;;   pixel, on sixteen bytes of slack after the output; reads may likewise run 16 bytes past the
  ;;   input.
  (func (export "maxpool_u8")
    (param $in i32) (param $out i32) (param $batches i32) (param $inH i32) (param $inW i32)
    (param $cb i32) (param $outH i32) (param $outW i32) (param $strideH i32) (param $strideW i32)
    (param $padH i32) (param $padW i32) (param $kH i32) (param $kW i32) (param $lo i32) (param $hi i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $y0 i32) (local $y1 i32) (local $x0 i32)
    (local $x1 i32) (local $y i32) (local $x i32) (local $off i32) (local $img i32) (local $rowp i32)
    (local $m v128) (local $vlo v128) (local $vhi v128)
    (local.set $vlo (i8x16.splat (local.get $lo)))
    (local.set $vhi (i8x16.splat (local.get $hi)))
    (if (i32.eqz (i32.mul (i32.mul (local.get $batches) (local.get $cb)) (i32.mul (local.get $outH) (local.get $outW)))) (then (return)))
    (loop $bl
      (local.set $img (i32.add (local.get $in)
        (i32.mul (local.get $b) (i32.mul (i32.mul (local.get $inH) (local.get $inW)) (local.get $cb)))))
      (local.set $oy (i32.const 0))
      (loop $yl
        (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $strideH)) (local.get $padH)))
        (local.set $y1 (i32.add (local.get $y0) (local.get $kH)))
        (if (i32.lt_s (local.get $y0) (i32.const 0)) (then (local.set $y0 (i32.const 0))))
        (if (i32.gt_s (local.get $y1) (local.get $inH)) (then (local.set $y1 (local.get $inH))))
        (local.set $ox (i32.const 0))
        (loop $xl
          (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $strideW)) (local.get $padW)))
          (local.set $x1 (i32.add (local.get $x0) (local.get $kW)))
          (if (i32.lt_s (local.get $x0) (i32.const 0)) (then (local.set $x0 (i32.const 0))))
          (if (i32.gt_s (local.get $x1) (local.get $inW)) (then (local.set $x1 (local.get $inW))))
          (local.set $off (i32.const 0))
          (loop $cl
            (local.set $m (v128.const i32x4 0 0 0 0))
            (local.set $y (local.get $y0))
            (block $yd
              (loop $tyl
                (br_if $yd (i32.ge_s (local.get $y) (local.get $y1)))
                (local.set $rowp (i32.add (i32.add (local.get $img) (local.get $off))
                  (i32.mul (i32.mul (local.get $y) (local.get $inW)) (local.get $cb))))
                (local.set $x (local.get $x0))
                (block $xd
                  (loop $txl
                    (br_if $xd (i32.ge_s (local.get $x) (local.get $x1)))
                    (local.set $m (i8x16.max_u (local.get $m)
                      (v128.load align=1 (i32.add (local.get $rowp) (i32.mul (local.get $x) (local.get $cb))))))
                    (local.set $x (i32.add (local.get $x) (i32.const 1)))
                    (br $txl)))
                (local.set $y (i32.add (local.get $y) (i32.const 1)))
                (br $tyl)))
            (v128.store align=1 (i32.add (local.get $out) (local.get $off))
              (i8x16.min_u (i8x16.max_u (local.get $m) (local.get $vlo)) (local.get $vhi)))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br_if $cl (i32.lt_u (local.get $off) (local.get $cb))))
          (local.set $out (i32.add (local.get $out) (local.get $cb)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bl (i32.lt_u (local.get $b) (local.get $batches)))))

  ;; maxpool_s16: MAX_POOL_2D of int16 values [batches][inH][inW][cb] (cb bytes per pixel), the
  ;;   maximum over each window's in-image taps from -32768, clamped to [lo, hi], sixteen bytes
  ;;   of channels at a time. A pixel's last group may run past its channels: the extra lanes
  ;;   land on the next pixel's outputs (rewritten when that pixel is done) or, for the last
  ;;   pixel, on sixteen bytes of slack after the output; reads may likewise run 16 bytes past the
  ;;   input.
  (func (export "maxpool_s16")
    (param $in i32) (param $out i32) (param $batches i32) (param $inH i32) (param $inW i32)
    (param $cb i32) (param $outH i32) (param $outW i32) (param $strideH i32) (param $strideW i32)
    (param $padH i32) (param $padW i32) (param $kH i32) (param $kW i32) (param $lo i32) (param $hi i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $y0 i32) (local $y1 i32) (local $x0 i32)
    (local $x1 i32) (local $y i32) (local $x i32) (local $off i32) (local $img i32) (local $rowp i32)
    (local $m v128) (local $vlo v128) (local $vhi v128)
    (local.set $vlo (i16x8.splat (local.get $lo)))
    (local.set $vhi (i16x8.splat (local.get $hi)))
    (if (i32.eqz (i32.mul (i32.mul (local.get $batches) (local.get $cb)) (i32.mul (local.get $outH) (local.get $outW)))) (then (return)))
    (loop $bl
      (local.set $img (i32.add (local.get $in)
        (i32.mul (local.get $b) (i32.mul (i32.mul (local.get $inH) (local.get $inW)) (local.get $cb)))))
      (local.set $oy (i32.const 0))
      (loop $yl
        (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $strideH)) (local.get $padH)))
        (local.set $y1 (i32.add (local.get $y0) (local.get $kH)))
        (if (i32.lt_s (local.get $y0) (i32.const 0)) (then (local.set $y0 (i32.const 0))))
        (if (i32.gt_s (local.get $y1) (local.get $inH)) (then (local.set $y1 (local.get $inH))))
        (local.set $ox (i32.const 0))
        (loop $xl
          (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $strideW)) (local.get $padW)))
          (local.set $x1 (i32.add (local.get $x0) (local.get $kW)))
          (if (i32.lt_s (local.get $x0) (i32.const 0)) (then (local.set $x0 (i32.const 0))))
          (if (i32.gt_s (local.get $x1) (local.get $inW)) (then (local.set $x1 (local.get $inW))))
          (local.set $off (i32.const 0))
          (loop $cl
            (local.set $m (v128.const i32x4 0x80008000 0x80008000 0x80008000 0x80008000))
            (local.set $y (local.get $y0))
            (block $yd
              (loop $tyl
                (br_if $yd (i32.ge_s (local.get $y) (local.get $y1)))
                (local.set $rowp (i32.add (i32.add (local.get $img) (local.get $off))
                  (i32.mul (i32.mul (local.get $y) (local.get $inW)) (local.get $cb))))
                (local.set $x (local.get $x0))
                (block $xd
                  (loop $txl
                    (br_if $xd (i32.ge_s (local.get $x) (local.get $x1)))
                    (local.set $m (i16x8.max_s (local.get $m)
                      (v128.load align=1 (i32.add (local.get $rowp) (i32.mul (local.get $x) (local.get $cb))))))
                    (local.set $x (i32.add (local.get $x) (i32.const 1)))
                    (br $txl)))
                (local.set $y (i32.add (local.get $y) (i32.const 1)))
                (br $tyl)))
            (v128.store align=1 (i32.add (local.get $out) (local.get $off))
              (i16x8.min_s (i16x8.max_s (local.get $m) (local.get $vlo)) (local.get $vhi)))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br_if $cl (i32.lt_u (local.get $off) (local.get $cb))))
          (local.set $out (i32.add (local.get $out) (local.get $cb)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bl (i32.lt_u (local.get $b) (local.get $batches)))))
  ;; maxpool_f32: f32x4.pmax(m, v) is `m < v ? v : m`, the reference's `if (v > m) m = v` lane by
  ;;   lane (NaN and signed zeros included), and pmax(m, lo) then pmin(m, hi) its clamp
  ;;   `m < lo ? lo : m > hi ? hi : m`, so outputs equal maxPoolFloat's bit for bit.
  ;;   MAX_POOL_2D of float32 values [batches][inH][inW][cb] (cb bytes per pixel), the
  ;;   maximum over each window's in-image taps from -FLT_MAX (as maxPoolFloat), clamped to [lo, hi], sixteen bytes
  ;;   of channels at a time. A pixel's last group may run past its channels: the extra lanes
  ;;   land on the next pixel's outputs (rewritten when that pixel is done) or, for the last
  ;;   pixel, on sixteen bytes of slack after the output; reads may likewise run 16 bytes past the
  ;;   input.
  (func (export "maxpool_f32")
    (param $in i32) (param $out i32) (param $batches i32) (param $inH i32) (param $inW i32)
    (param $cb i32) (param $outH i32) (param $outW i32) (param $strideH i32) (param $strideW i32)
    (param $padH i32) (param $padW i32) (param $kH i32) (param $kW i32) (param $lo f32) (param $hi f32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $y0 i32) (local $y1 i32) (local $x0 i32)
    (local $x1 i32) (local $y i32) (local $x i32) (local $off i32) (local $img i32) (local $rowp i32)
    (local $m v128) (local $vlo v128) (local $vhi v128)
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (if (i32.eqz (i32.mul (i32.mul (local.get $batches) (local.get $cb)) (i32.mul (local.get $outH) (local.get $outW)))) (then (return)))
    (loop $bl
      (local.set $img (i32.add (local.get $in)
        (i32.mul (local.get $b) (i32.mul (i32.mul (local.get $inH) (local.get $inW)) (local.get $cb)))))
      (local.set $oy (i32.const 0))
      (loop $yl
        (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $strideH)) (local.get $padH)))
        (local.set $y1 (i32.add (local.get $y0) (local.get $kH)))
        (if (i32.lt_s (local.get $y0) (i32.const 0)) (then (local.set $y0 (i32.const 0))))
        (if (i32.gt_s (local.get $y1) (local.get $inH)) (then (local.set $y1 (local.get $inH))))
        (local.set $ox (i32.const 0))
        (loop $xl
          (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $strideW)) (local.get $padW)))
          (local.set $x1 (i32.add (local.get $x0) (local.get $kW)))
          (if (i32.lt_s (local.get $x0) (i32.const 0)) (then (local.set $x0 (i32.const 0))))
          (if (i32.gt_s (local.get $x1) (local.get $inW)) (then (local.set $x1 (local.get $inW))))
          (local.set $off (i32.const 0))
          (loop $cl
            (local.set $m (v128.const i32x4 0xff7fffff 0xff7fffff 0xff7fffff 0xff7fffff))
            (local.set $y (local.get $y0))
            (block $yd
              (loop $tyl
                (br_if $yd (i32.ge_s (local.get $y) (local.get $y1)))
                (local.set $rowp (i32.add (i32.add (local.get $img) (local.get $off))
                  (i32.mul (i32.mul (local.get $y) (local.get $inW)) (local.get $cb))))
                (local.set $x (local.get $x0))
                (block $xd
                  (loop $txl
                    (br_if $xd (i32.ge_s (local.get $x) (local.get $x1)))
                    (local.set $m (f32x4.pmax (local.get $m)
                      (v128.load align=1 (i32.add (local.get $rowp) (i32.mul (local.get $x) (local.get $cb))))))
                    (local.set $x (i32.add (local.get $x) (i32.const 1)))
                    (br $txl)))
                (local.set $y (i32.add (local.get $y) (i32.const 1)))
                (br $tyl)))
            (v128.store align=1 (i32.add (local.get $out) (local.get $off))
              (f32x4.pmin (f32x4.pmax (local.get $m) (local.get $vlo)) (local.get $vhi)))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br_if $cl (i32.lt_u (local.get $off) (local.get $cb))))
          (local.set $out (i32.add (local.get $out) (local.get $cb)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bl (i32.lt_u (local.get $b) (local.get $batches)))))

  ;; requant_q: requant_v's outputs (the same MultiplyByQuantizedMultiplier, offset and clamp, bit
  ;;   for bit) eight channels at a time with no per-channel branches, for layers whose right
  ;;   shifts e = max(-shift, 0) are all at most 13 (the caller checks; also |out_offset| and
  ;;   lo, hi within [-65536, 65535]). For each of `pixels` rows of int32 accumulators (`stride`
  ;;   apart), `blocks` blocks of eight channels with parameters `qp` (256 bytes per block, eight
  ;;   i32 each: bias, 2^max(shift, 0), multiplier, -C, C, H, N, A), stored to `out` as bytes (1)
  ;;   or int16 (2), `channels` per row. A row's last block may write up to seven values past the
  ;;   row: they land on the next row's outputs (rewritten next) or on the slack after the output.
  ;;   Per lane: a = (acc + bias) * 2^shift (wraps as the reference's imul); t = SRDHM(a, m) =
  ;;   bits 31..62 of a * m + 2^30 (i64 extmul, shl 1, odd halves); then RoundingDivideByPOT(t, e)
  ;;   = floor((t + H + (t < 0 ? N : 0)) / 2^e), H = 2^(e - 1) (0 for e = 0), N = -1 (0 for
  ;;   e = 0), computed as ((t + H + N&sign) * A) >> k, A = 2^(k - e), k the layer's largest e;
  ;;   t is first clamped to [-C, C], C = 2^(e + 17): beyond it the quotient is at least 2^17 in
  ;;   magnitude either way and the output clamps to lo or hi, and within it nothing overflows.
  (func (export "requant_q")
    (param $acc i32) (param $stride i32) (param $pixels i32) (param $blocks i32) (param $qp i32)
    (param $out i32) (param $bytes i32) (param $channels i32) (param $outOff i32) (param $lo i32)
    (param $hi i32) (param $k i32) (param $lshift i32)
    (local $px i32) (local $b i32) (local $row i32) (local $p i32) (local $o i32)
    (local $off v128) (local $vlo v128) (local $vhi v128) (local $half v128)
    (local $r0 v128) (local $r1 v128) (local $a v128) (local $t v128)
    (if (i32.eqz (i32.mul (local.get $pixels) (local.get $blocks))) (then (return)))
    (local.set $off (i32x4.splat (local.get $outOff)))
    (local.set $vlo (i32x4.splat (local.get $lo)))
    (local.set $vhi (i32x4.splat (local.get $hi)))
    (local.set $half (i64x2.splat (i64.const 1073741824)))
    (loop $pl
      (local.set $row (local.get $acc))
      (local.set $p (local.get $qp))
      (local.set $o (local.get $out))
      (local.set $b (i32.const 0))
      (loop $bl
        ;; lanes 0-3 (parameters at offset 0 of each 32-byte field)
        (local.set $a (i32x4.add (v128.load align=4 (local.get $row)) (v128.load align=4 (local.get $p))))
        (if (local.get $lshift)
          (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=32 align=4 (local.get $p))))))
        (local.set $t (v128.load offset=64 align=4 (local.get $p)))
        (local.set $t (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
          (i64x2.shl (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $t)) (local.get $half)) (i32.const 1))
          (i64x2.shl (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $t)) (local.get $half)) (i32.const 1))))
        (local.set $t (i32x4.min_s (i32x4.max_s (local.get $t) (v128.load offset=96 align=4 (local.get $p)))
                                   (v128.load offset=128 align=4 (local.get $p))))
        (local.set $t (i32x4.add (i32x4.add (local.get $t) (v128.load offset=160 align=4 (local.get $p)))
          (v128.and (i32x4.shr_s (local.get $t) (i32.const 31)) (v128.load offset=192 align=4 (local.get $p)))))
        (local.set $r0 (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $off)
          (i32x4.shr_s (i32x4.mul (local.get $t) (v128.load offset=224 align=4 (local.get $p))) (local.get $k)))
          (local.get $vlo)) (local.get $vhi)))
        ;; lanes 4-7 (offset 16 of each field)
        (local.set $a (i32x4.add (v128.load offset=16 align=4 (local.get $row)) (v128.load offset=16 align=4 (local.get $p))))
        (if (local.get $lshift)
          (then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=48 align=4 (local.get $p))))))
        (local.set $t (v128.load offset=80 align=4 (local.get $p)))
        (local.set $t (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
          (i64x2.shl (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $a) (local.get $t)) (local.get $half)) (i32.const 1))
          (i64x2.shl (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $a) (local.get $t)) (local.get $half)) (i32.const 1))))
        (local.set $t (i32x4.min_s (i32x4.max_s (local.get $t) (v128.load offset=112 align=4 (local.get $p)))
                                   (v128.load offset=144 align=4 (local.get $p))))
        (local.set $t (i32x4.add (i32x4.add (local.get $t) (v128.load offset=176 align=4 (local.get $p)))
          (v128.and (i32x4.shr_s (local.get $t) (i32.const 31)) (v128.load offset=208 align=4 (local.get $p)))))
        (local.set $r1 (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $off)
          (i32x4.shr_s (i32x4.mul (local.get $t) (v128.load offset=240 align=4 (local.get $p))) (local.get $k)))
          (local.get $vlo)) (local.get $vhi)))
        ;; in [lo, hi]: the low byte (or two bytes) of each lane is the output
        (if (i32.eq (local.get $bytes) (i32.const 1))
          (then
            (v128.store64_lane align=1 0 (local.get $o)
              (i8x16.shuffle 0 4 8 12 16 20 24 28 0 0 0 0 0 0 0 0 (local.get $r0) (local.get $r1)))
            (local.set $o (i32.add (local.get $o) (i32.const 8))))
          (else
            (v128.store align=2 (local.get $o)
              (i8x16.shuffle 0 1 4 5 8 9 12 13 16 17 20 21 24 25 28 29 (local.get $r0) (local.get $r1)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))))
        (local.set $row (i32.add (local.get $row) (i32.const 32)))
        (local.set $p (i32.add (local.get $p) (i32.const 256)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br_if $bl (i32.lt_u (local.get $b) (local.get $blocks))))
      (local.set $out (i32.add (local.get $out) (i32.mul (local.get $channels) (local.get $bytes))))
      (local.set $acc (i32.add (local.get $acc) (i32.shl (local.get $stride) (i32.const 2))))
      (local.set $px (i32.add (local.get $px) (i32.const 1)))
      (br_if $pl (i32.lt_u (local.get $px) (local.get $pixels)))))

  ;; im2col: for convolutions of few input channels (kW * C int16 values of a window row within
  ;;   two v128, dilation 1 along x), the padded image [Hp][Wp][C] unfolded into one row of
  ;;   `k2` bytes per output pixel, [outH][outW][k2 / 2]: window row fy at byte fy * run (run =
  ;;   kW * C * 2), so a window is kH * kW * C values in the filter's (fy, fx, c) order and
  ;;   conv_i runs it as a 1x1 convolution of k2 / 2 channels. Each row is copied as one or
  ;;   two 16-byte loads and stores; the bytes past it are overwritten by the next row, the next pixel
  ;;   or land in the slack after `dst` (16 bytes) or in the pad value(s) after the window,
  ;;   which meet zero weights. Reads may run 16 bytes past the image.
  (func (export "im2col")
    (param $img i32) (param $dst i32) (param $outH i32) (param $outW i32) (param $strideH i32)
    (param $strideW i32) (param $dilH i32) (param $kH i32) (param $run i32) (param $rowBytes i32)
    (param $pixBytes i32) (param $k2 i32)
    (local $oy i32) (local $ox i32) (local $fy i32) (local $src i32) (local $d i32) (local $rowp i32)
    (if (i32.eqz (i32.mul (local.get $outH) (local.get $outW))) (then (return)))
    (loop $yl
      (local.set $rowp (i32.add (local.get $img)
        (i32.mul (i32.mul (local.get $oy) (local.get $strideH)) (local.get $rowBytes))))
      (local.set $ox (i32.const 0))
      (loop $xl
        (local.set $src (i32.add (local.get $rowp)
          (i32.mul (i32.mul (local.get $ox) (local.get $strideW)) (local.get $pixBytes))))
        (local.set $d (local.get $dst))
        (local.set $fy (i32.const 0))
        (loop $fl
          (v128.store align=1 (local.get $d) (v128.load align=1 (local.get $src)))
          (if (i32.gt_u (local.get $run) (i32.const 16))
            (then (v128.store offset=16 align=1 (local.get $d) (v128.load offset=16 align=1 (local.get $src)))))
          (local.set $src (i32.add (local.get $src) (i32.mul (local.get $dilH) (local.get $rowBytes))))
          (local.set $d (i32.add (local.get $d) (local.get $run)))
          (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
          (br_if $fl (i32.lt_u (local.get $fy) (local.get $kH))))
        (local.set $dst (i32.add (local.get $dst) (local.get $k2)))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH)))))

  ;; im2col8: im2col reading the raw 8-bit input (kind 0 int8, 1 uint8) [H][W][C] instead of the
  ;;   padded int16 image, for convolutions without padding whose windows lie inside the input:
  ;;   each window row of run = kW * C (at most 16) bytes is loaded as one v128, widened to int16
  ;;   and offset (x + input_offset) eight values at a time, and stored at fy * run * 2 in the
  ;;   pixel's k2 bytes; the extra values stored past a row fall as in im2col. Reads may run 16
  ;;   bytes past the input.
  (func (export "im2col8")
    (param $src i32) (param $dst i32) (param $outH i32) (param $outW i32) (param $strideH i32)
    (param $strideW i32) (param $dilH i32) (param $kH i32) (param $run i32) (param $rowBytes i32)
    (param $pixBytes i32) (param $k2 i32) (param $offset i32) (param $kind i32)
    (local $oy i32) (local $ox i32) (local $fy i32) (local $s i32) (local $d i32) (local $rowp i32)
    (local $x v128) (local $off v128)
    (if (i32.eqz (i32.mul (local.get $outH) (local.get $outW))) (then (return)))
    (local.set $off (i16x8.splat (local.get $offset)))
    (loop $yl
      (local.set $rowp (i32.add (local.get $src)
        (i32.mul (i32.mul (local.get $oy) (local.get $strideH)) (local.get $rowBytes))))
      (local.set $ox (i32.const 0))
      (loop $xl
        (local.set $s (i32.add (local.get $rowp)
          (i32.mul (i32.mul (local.get $ox) (local.get $strideW)) (local.get $pixBytes))))
        (local.set $d (local.get $dst))
        (local.set $fy (i32.const 0))
        (loop $fl
          (local.set $x (v128.load align=1 (local.get $s)))
          (v128.store align=1 (local.get $d) (i16x8.add (local.get $off)
            (if (result v128) (local.get $kind)
              (then (i16x8.extend_low_i8x16_u (local.get $x)))
              (else (i16x8.extend_low_i8x16_s (local.get $x))))))
          (if (i32.gt_u (local.get $run) (i32.const 8))
            (then (v128.store offset=16 align=1 (local.get $d) (i16x8.add (local.get $off)
              (if (result v128) (local.get $kind)
                (then (i16x8.extend_high_i8x16_u (local.get $x)))
                (else (i16x8.extend_high_i8x16_s (local.get $x))))))))
          (local.set $s (i32.add (local.get $s) (i32.mul (local.get $dilH) (local.get $rowBytes))))
          (local.set $d (i32.add (local.get $d) (i32.shl (local.get $run) (i32.const 1))))
          (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
          (br_if $fl (i32.lt_u (local.get $fy) (local.get $kH))))
        (local.set $dst (i32.add (local.get $dst) (local.get $k2)))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH)))))

  ;; avgpool_8: AVERAGE_POOL_2D of int8 (unsigned 0) or uint8 (1) values [batches][inH][inW][cb],
  ;;   as averagePoolInt: per output pixel and channel the int32 sum of the window's in-image
  ;;   taps, v = trunc((sum + half) / count) if sum > 0 else trunc((sum - half) / count) with
  ;;   half = count >> 1, divided in double (f64x2.div rounds as the reference's division does,
  ;;   and i32x4.trunc_sat_f64x2_s_zero truncates; a window without taps gives 0 / 0 -> 0), then
  ;;   clamped to [lo, hi]. (uint8 sums are >= 0: a zero sum gives 0 either way.) Sixteen
  ;;   channels at a time; the last group of a pixel spills as maxpool_s8's does (16 bytes of
  ;;   slack after the input and the output).
  (func (export "avgpool_8")
    (param $in i32) (param $out i32) (param $batches i32) (param $inH i32) (param $inW i32)
    (param $cb i32) (param $outH i32) (param $outW i32) (param $strideH i32) (param $strideW i32)
    (param $padH i32) (param $padW i32) (param $kH i32) (param $kW i32) (param $lo i32) (param $hi i32)
    (param $unsigned i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $y0 i32) (local $y1 i32) (local $x0 i32)
    (local $x1 i32) (local $y i32) (local $x i32) (local $off i32) (local $img i32) (local $rowp i32)
    (local $count i32) (local $v v128) (local $w v128) (local $cnt v128) (local $half v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $vlo v128) (local $vhi v128)
    (local.set $vlo (i32x4.splat (local.get $lo)))
    (local.set $vhi (i32x4.splat (local.get $hi)))
    (if (i32.eqz (i32.mul (i32.mul (local.get $batches) (local.get $cb)) (i32.mul (local.get $outH) (local.get $outW)))) (then (return)))
    (loop $bl
      (local.set $img (i32.add (local.get $in)
        (i32.mul (local.get $b) (i32.mul (i32.mul (local.get $inH) (local.get $inW)) (local.get $cb)))))
      (local.set $oy (i32.const 0))
      (loop $yl
        (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $strideH)) (local.get $padH)))
        (local.set $y1 (i32.add (local.get $y0) (local.get $kH)))
        (if (i32.lt_s (local.get $y0) (i32.const 0)) (then (local.set $y0 (i32.const 0))))
        (if (i32.gt_s (local.get $y1) (local.get $inH)) (then (local.set $y1 (local.get $inH))))
        (local.set $ox (i32.const 0))
        (loop $xl
          (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $strideW)) (local.get $padW)))
          (local.set $x1 (i32.add (local.get $x0) (local.get $kW)))
          (if (i32.lt_s (local.get $x0) (i32.const 0)) (then (local.set $x0 (i32.const 0))))
          (if (i32.gt_s (local.get $x1) (local.get $inW)) (then (local.set $x1 (local.get $inW))))
          (local.set $count (i32.mul
            (select (i32.sub (local.get $y1) (local.get $y0)) (i32.const 0) (i32.gt_s (local.get $y1) (local.get $y0)))
            (select (i32.sub (local.get $x1) (local.get $x0)) (i32.const 0) (i32.gt_s (local.get $x1) (local.get $x0)))))
          (local.set $cnt (f64x2.splat (f64.convert_i32_s (local.get $count))))
          (local.set $half (i32x4.splat (i32.shr_u (local.get $count) (i32.const 1))))
          (local.set $off (i32.const 0))
          (loop $cl
            (local.set $s0 (v128.const i32x4 0 0 0 0))
            (local.set $s1 (v128.const i32x4 0 0 0 0))
            (local.set $s2 (v128.const i32x4 0 0 0 0))
            (local.set $s3 (v128.const i32x4 0 0 0 0))
            (local.set $y (local.get $y0))
            (block $yd
              (loop $tyl
                (br_if $yd (i32.ge_s (local.get $y) (local.get $y1)))
                (local.set $rowp (i32.add (i32.add (local.get $img) (local.get $off))
                  (i32.mul (i32.mul (local.get $y) (local.get $inW)) (local.get $cb))))
                (local.set $x (local.get $x0))
                (block $xd
                  (loop $txl
                    (br_if $xd (i32.ge_s (local.get $x) (local.get $x1)))
                    (local.set $v (v128.load align=1 (i32.add (local.get $rowp) (i32.mul (local.get $x) (local.get $cb)))))
                    (if (local.get $unsigned)
                      (then
                        (local.set $w (i16x8.extend_high_i8x16_u (local.get $v)))
                        (local.set $v (i16x8.extend_low_i8x16_u (local.get $v))))
                      (else
                        (local.set $w (i16x8.extend_high_i8x16_s (local.get $v)))
                        (local.set $v (i16x8.extend_low_i8x16_s (local.get $v)))))
                    (local.set $s0 (i32x4.add (local.get $s0) (i32x4.extend_low_i16x8_s (local.get $v))))
                    (local.set $s1 (i32x4.add (local.get $s1) (i32x4.extend_high_i16x8_s (local.get $v))))
                    (local.set $s2 (i32x4.add (local.get $s2) (i32x4.extend_low_i16x8_s (local.get $w))))
                    (local.set $s3 (i32x4.add (local.get $s3) (i32x4.extend_high_i16x8_s (local.get $w))))
                    (local.set $x (i32.add (local.get $x) (i32.const 1)))
                    (br $txl)))
                (local.set $y (i32.add (local.get $y) (i32.const 1)))
                (br $tyl)))
            (local.set $s0 (call $avg4 (local.get $s0) (local.get $half) (local.get $cnt) (local.get $vlo) (local.get $vhi)))
            (local.set $s1 (call $avg4 (local.get $s1) (local.get $half) (local.get $cnt) (local.get $vlo) (local.get $vhi)))
            (local.set $s2 (call $avg4 (local.get $s2) (local.get $half) (local.get $cnt) (local.get $vlo) (local.get $vhi)))
            (local.set $s3 (call $avg4 (local.get $s3) (local.get $half) (local.get $cnt) (local.get $vlo) (local.get $vhi)))
            ;; in [lo, hi]: the narrows saturate nothing
            (local.set $v (i16x8.narrow_i32x4_s (local.get $s0) (local.get $s1)))
            (local.set $w (i16x8.narrow_i32x4_s (local.get $s2) (local.get $s3)))
            (v128.store align=1 (i32.add (local.get $out) (local.get $off))
              (if (result v128) (local.get $unsigned)
                (then (i8x16.narrow_i16x8_u (local.get $v) (local.get $w)))
                (else (i8x16.narrow_i16x8_s (local.get $v) (local.get $w)))))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br_if $cl (i32.lt_u (local.get $off) (local.get $cb))))
          (local.set $out (i32.add (local.get $out) (local.get $cb)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bl (i32.lt_u (local.get $b) (local.get $batches)))))

  ;; avg4: four int32 window sums -> clamp(trunc((sum +- half) / count), lo, hi) (avgpool_8)
  (func $avg4 (param $s v128) (param $half v128) (param $cnt v128) (param $vlo v128) (param $vhi v128) (result v128)
    (local.set $s (i32x4.add (local.get $s)
      (v128.bitselect (local.get $half) (i32x4.neg (local.get $half))
                      (i32x4.gt_s (local.get $s) (v128.const i32x4 0 0 0 0)))))
    (i32x4.min_s (i32x4.max_s
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (i32x4.trunc_sat_f64x2_s_zero (f64x2.div (f64x2.convert_low_i32x4_s (local.get $s)) (local.get $cnt)))
        (i32x4.trunc_sat_f64x2_s_zero (f64x2.div
          (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $s) (local.get $s)))
          (local.get $cnt))))
      (local.get $vlo)) (local.get $vhi)))

  ;; storePart: the first $rem (4, 8 or 12) bytes of $v at $at (conv_iq's last, partial block)
  (func $storePart (param $at i32) (param $v v128) (param $rem i32)
    (if (i32.and (local.get $rem) (i32.const 8))
      (then
        (v128.store64_lane align=1 0 (local.get $at) (local.get $v))
        (if (i32.and (local.get $rem) (i32.const 4))
          (then (v128.store32_lane align=1 2 (i32.add (local.get $at) (i32.const 8)) (local.get $v)))))
      (else (v128.store32_lane align=1 0 (local.get $at) (local.get $v)))))

  ;; conv_iq: conv_i with requant_q's requantization done on the accumulators in registers (no
  ;;   int32 accumulators stored and read back), for 8-bit outputs of out_c = blocks * 16, or
  ;;   blocks * 16 - 4, - 8 or - 12 channels: `out` receives [outH][outW][out_c] bytes. qp: requant_q's parameters (two blocks
  ;;   of eight channels per sixteen); the caller checks requant_q's conditions and
  ;;   |out_offset| <= 255. Offset and clamp run on int16 lanes after a saturating narrow (values
  ;;   beyond int16 stay beyond [lo, hi]), then a narrow of the signedness that keeps [lo, hi].
  (func (export "conv_iq")
    (param $in i32) (param $w i32) (param $out i32) (param $outH i32) (param $outW i32)
    (param $strideH i32) (param $strideW i32) (param $dilH i32) (param $dilW i32)
    (param $kH i32) (param $kW i32) (param $c i32) (param $wp i32) (param $blocks i32)
    (param $qp i32) (param $outOff i32) (param $lo i32) (param $hi i32) (param $k i32) (param $lshift i32)
    (param $outC i32)
    (local $pix i32) (local $row i32) (local $oy i32) (local $ox i32) (local $ob i32)
    (local $fy i32) (local $fx i32) (local $origin i32) (local $rowp i32) (local $p i32)
    (local $cend i32) (local $wptr i32) (local $x v128) (local $y v128) (local $wv v128)
    (local $pair i32) (local $d i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $qpp i32) (local $rowBytes i32) (local $u v128) (local $t v128) (local $half v128)
    (local $off16 v128) (local $lo16 v128) (local $hi16 v128) (local $unsigned i32)
    (local $o0 i32) (local $part i32) (local $rem i32)
    (local.set $pix (i32.shl (local.get $c) (i32.const 1)))
    (local.set $rowBytes (local.get $outC))
    (local.set $rem (i32.and (local.get $outC) (i32.const 15)))
    (local.set $half (i64x2.splat (i64.const 1073741824)))
    (local.set $off16 (i16x8.splat (local.get $outOff)))
    (local.set $lo16 (i16x8.splat (local.get $lo)))
    (local.set $hi16 (i16x8.splat (local.get $hi)))
    (local.set $unsigned (i32.ge_s (local.get $lo) (i32.const 0)))
    (local.set $row (i32.mul (local.get $wp) (local.get $pix)))
    (if (i32.eqz (i32.mul (i32.mul (local.get $outH) (local.get $c)) (i32.mul (local.get $outW) (local.get $blocks)))) (then (return)))
    (loop $yl
      (local.set $ox (i32.const 0))
      (loop $xl
        ;; $d: byte distance to the second pixel's window (0 when this pixel ends the row: the
        ;; second set of sums is then computed on the same window and not stored).
        (local.set $pair (i32.lt_u (i32.add (local.get $ox) (i32.const 1)) (local.get $outW)))
        (local.set $d (select (i32.mul (local.get $strideW) (local.get $pix)) (i32.const 0) (local.get $pair)))
        (local.set $origin (i32.add (local.get $in)
          (i32.add (i32.mul (i32.mul (local.get $oy) (local.get $strideH)) (local.get $row))
                   (i32.mul (i32.mul (local.get $ox) (local.get $strideW)) (local.get $pix)))))
        (local.set $wptr (local.get $w))
        (local.set $qpp (local.get $qp))
        (local.set $o0 (local.get $out))
        (local.set $ob (i32.const 0))
        (loop $bl
          (local.set $a0 (v128.const i32x4 0 0 0 0))
          (local.set $a1 (v128.const i32x4 0 0 0 0))
          (local.set $a2 (v128.const i32x4 0 0 0 0))
          (local.set $a3 (v128.const i32x4 0 0 0 0))
          (local.set $b0 (v128.const i32x4 0 0 0 0))
          (local.set $b1 (v128.const i32x4 0 0 0 0))
          (local.set $b2 (v128.const i32x4 0 0 0 0))
          (local.set $b3 (v128.const i32x4 0 0 0 0))
          (local.set $fy (i32.const 0))
          (loop $fyl
            (local.set $rowp (i32.add (local.get $origin)
              (i32.mul (i32.mul (local.get $fy) (local.get $dilH)) (local.get $row))))
            (local.set $fx (i32.const 0))
            (loop $fxl
              (local.set $p (i32.add (local.get $rowp)
                (i32.mul (i32.mul (local.get $fx) (local.get $dilW)) (local.get $pix))))
              (local.set $cend (i32.add (local.get $p) (local.get $pix)))
              ;; a pixel without a partner (the row's last of an odd width, FULLY_CONNECTED of one
              ;; batch): its sums only
              (if (local.get $pair)
                (then
                  (loop $cl
                    (local.set $x (v128.load32_splat (local.get $p)))
                    (local.set $y (v128.load32_splat (i32.add (local.get $p) (local.get $d))))
                    (local.set $wv (v128.load align=2 (local.get $wptr)))
                    (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (local.get $x) (local.get $wv))))
                    (local.set $b0 (i32x4.add (local.get $b0) (i32x4.dot_i16x8_s (local.get $y) (local.get $wv))))
                    (local.set $wv (v128.load offset=16 align=2 (local.get $wptr)))
                    (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s (local.get $x) (local.get $wv))))
                    (local.set $b1 (i32x4.add (local.get $b1) (i32x4.dot_i16x8_s (local.get $y) (local.get $wv))))
                    (local.set $wv (v128.load offset=32 align=2 (local.get $wptr)))
                    (local.set $a2 (i32x4.add (local.get $a2) (i32x4.dot_i16x8_s (local.get $x) (local.get $wv))))
                    (local.set $b2 (i32x4.add (local.get $b2) (i32x4.dot_i16x8_s (local.get $y) (local.get $wv))))
                    (local.set $wv (v128.load offset=48 align=2 (local.get $wptr)))
                    (local.set $a3 (i32x4.add (local.get $a3) (i32x4.dot_i16x8_s (local.get $x) (local.get $wv))))
                    (local.set $b3 (i32x4.add (local.get $b3) (i32x4.dot_i16x8_s (local.get $y) (local.get $wv))))
                    (local.set $wptr (i32.add (local.get $wptr) (i32.const 64)))
                    (local.set $p (i32.add (local.get $p) (i32.const 4)))
                    (br_if $cl (i32.lt_u (local.get $p) (local.get $cend)))))
                (else
                  (loop $cs
                    (local.set $x (v128.load32_splat (local.get $p)))
                    (local.set $wv (v128.load align=2 (local.get $wptr)))
                    (local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (local.get $x) (local.get $wv))))
                    (local.set $wv (v128.load offset=16 align=2 (local.get $wptr)))
                    (local.set $a1 (i32x4.add (local.get $a1) (i32x4.dot_i16x8_s (local.get $x) (local.get $wv))))
                    (local.set $wv (v128.load offset=32 align=2 (local.get $wptr)))
                    (local.set $a2 (i32x4.add (local.get $a2) (i32x4.dot_i16x8_s (local.get $x) (local.get $wv))))
                    (local.set $wv (v128.load offset=48 align=2 (local.get $wptr)))
                    (local.set $a3 (i32x4.add (local.get $a3) (i32x4.dot_i16x8_s (local.get $x) (local.get $wv))))
                    (local.set $wptr (i32.add (local.get $wptr) (i32.const 64)))
                    (local.set $p (i32.add (local.get $p) (i32.const 4)))
                    (br_if $cs (i32.lt_u (local.get $p) (local.get $cend))))))
              (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
              (br_if $fxl (i32.lt_u (local.get $fx) (local.get $kW))))
            (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
            (br_if $fyl (i32.lt_u (local.get $fy) (local.get $kH))))
          ;; requantize the sixteen channels of both pixels in registers (requant_q's lanes); the
          ;; last block of out_c = 16 * blocks - 4, - 8 or - 12 stores its first $rem channels only
          (local.set $part (i32.and
            (i32.eq (i32.add (local.get $ob) (i32.const 1)) (local.get $blocks))
            (i32.ne (local.get $rem) (i32.const 0))))
          (local.set $u (i32x4.add (local.get $a0) (v128.load offset=0 align=4 (local.get $qpp))))
          (if (local.get $lshift)
            (then (local.set $u (i32x4.mul (local.get $u) (v128.load offset=32 align=4 (local.get $qpp))))))
          (local.set $t (v128.load offset=64 align=4 (local.get $qpp)))
          (local.set $t (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
            (i64x2.shl (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))
            (i64x2.shl (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))))
          (local.set $t (i32x4.min_s (i32x4.max_s (local.get $t) (v128.load offset=96 align=4 (local.get $qpp)))
                                     (v128.load offset=128 align=4 (local.get $qpp))))
          (local.set $a0 (i32x4.shr_s (i32x4.mul (v128.load offset=224 align=4 (local.get $qpp))
            (i32x4.add (i32x4.add (local.get $t) (v128.load offset=160 align=4 (local.get $qpp)))
              (v128.and (i32x4.shr_s (local.get $t) (i32.const 31)) (v128.load offset=192 align=4 (local.get $qpp)))))
            (local.get $k)))
          (local.set $u (i32x4.add (local.get $a1) (v128.load offset=16 align=4 (local.get $qpp))))
          (if (local.get $lshift)
            (then (local.set $u (i32x4.mul (local.get $u) (v128.load offset=48 align=4 (local.get $qpp))))))
          (local.set $t (v128.load offset=80 align=4 (local.get $qpp)))
          (local.set $t (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
            (i64x2.shl (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))
            (i64x2.shl (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))))
          (local.set $t (i32x4.min_s (i32x4.max_s (local.get $t) (v128.load offset=112 align=4 (local.get $qpp)))
                                     (v128.load offset=144 align=4 (local.get $qpp))))
          (local.set $a1 (i32x4.shr_s (i32x4.mul (v128.load offset=240 align=4 (local.get $qpp))
            (i32x4.add (i32x4.add (local.get $t) (v128.load offset=176 align=4 (local.get $qpp)))
              (v128.and (i32x4.shr_s (local.get $t) (i32.const 31)) (v128.load offset=208 align=4 (local.get $qpp)))))
            (local.get $k)))
          ;; channels 8-15 (8-11) only where the block stores them
          (if (i32.or (i32.eqz (local.get $part)) (i32.gt_u (local.get $rem) (i32.const 8)))
            (then
          (local.set $u (i32x4.add (local.get $a2) (v128.load offset=256 align=4 (local.get $qpp))))
          (if (local.get $lshift)
            (then (local.set $u (i32x4.mul (local.get $u) (v128.load offset=288 align=4 (local.get $qpp))))))
          (local.set $t (v128.load offset=320 align=4 (local.get $qpp)))
          (local.set $t (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
            (i64x2.shl (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))
            (i64x2.shl (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))))
          (local.set $t (i32x4.min_s (i32x4.max_s (local.get $t) (v128.load offset=352 align=4 (local.get $qpp)))
                                     (v128.load offset=384 align=4 (local.get $qpp))))
          (local.set $a2 (i32x4.shr_s (i32x4.mul (v128.load offset=480 align=4 (local.get $qpp))
            (i32x4.add (i32x4.add (local.get $t) (v128.load offset=416 align=4 (local.get $qpp)))
              (v128.and (i32x4.shr_s (local.get $t) (i32.const 31)) (v128.load offset=448 align=4 (local.get $qpp)))))
            (local.get $k)))))
          (if (i32.eqz (local.get $part))
            (then
          (local.set $u (i32x4.add (local.get $a3) (v128.load offset=272 align=4 (local.get $qpp))))
          (if (local.get $lshift)
            (then (local.set $u (i32x4.mul (local.get $u) (v128.load offset=304 align=4 (local.get $qpp))))))
          (local.set $t (v128.load offset=336 align=4 (local.get $qpp)))
          (local.set $t (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
            (i64x2.shl (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))
            (i64x2.shl (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))))
          (local.set $t (i32x4.min_s (i32x4.max_s (local.get $t) (v128.load offset=368 align=4 (local.get $qpp)))
                                     (v128.load offset=400 align=4 (local.get $qpp))))
          (local.set $a3 (i32x4.shr_s (i32x4.mul (v128.load offset=496 align=4 (local.get $qpp))
            (i32x4.add (i32x4.add (local.get $t) (v128.load offset=432 align=4 (local.get $qpp)))
              (v128.and (i32x4.shr_s (local.get $t) (i32.const 31)) (v128.load offset=464 align=4 (local.get $qpp)))))
            (local.get $k)))))
          (local.set $u (i16x8.min_s (i16x8.max_s (i16x8.add_sat_s (local.get $off16)
            (i16x8.narrow_i32x4_s (local.get $a0) (local.get $a1))) (local.get $lo16)) (local.get $hi16)))
          (local.set $t (i16x8.min_s (i16x8.max_s (i16x8.add_sat_s (local.get $off16)
            (i16x8.narrow_i32x4_s (local.get $a2) (local.get $a3))) (local.get $lo16)) (local.get $hi16)))
          (local.set $u
            (if (result v128) (local.get $unsigned)
              (then (i8x16.narrow_i16x8_u (local.get $u) (local.get $t)))
              (else (i8x16.narrow_i16x8_s (local.get $u) (local.get $t)))))
          (if (local.get $part)
            (then (call $storePart (local.get $out) (local.get $u) (local.get $rem)))
            (else (v128.store align=1 (local.get $out) (local.get $u))))
          (if (local.get $pair)
            (then
          (local.set $u (i32x4.add (local.get $b0) (v128.load offset=0 align=4 (local.get $qpp))))
          (if (local.get $lshift)
            (then (local.set $u (i32x4.mul (local.get $u) (v128.load offset=32 align=4 (local.get $qpp))))))
          (local.set $t (v128.load offset=64 align=4 (local.get $qpp)))
          (local.set $t (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
            (i64x2.shl (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))
            (i64x2.shl (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))))
          (local.set $t (i32x4.min_s (i32x4.max_s (local.get $t) (v128.load offset=96 align=4 (local.get $qpp)))
                                     (v128.load offset=128 align=4 (local.get $qpp))))
          (local.set $b0 (i32x4.shr_s (i32x4.mul (v128.load offset=224 align=4 (local.get $qpp))
            (i32x4.add (i32x4.add (local.get $t) (v128.load offset=160 align=4 (local.get $qpp)))
              (v128.and (i32x4.shr_s (local.get $t) (i32.const 31)) (v128.load offset=192 align=4 (local.get $qpp)))))
            (local.get $k)))
          (local.set $u (i32x4.add (local.get $b1) (v128.load offset=16 align=4 (local.get $qpp))))
          (if (local.get $lshift)
            (then (local.set $u (i32x4.mul (local.get $u) (v128.load offset=48 align=4 (local.get $qpp))))))
          (local.set $t (v128.load offset=80 align=4 (local.get $qpp)))
          (local.set $t (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
            (i64x2.shl (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))
            (i64x2.shl (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))))
          (local.set $t (i32x4.min_s (i32x4.max_s (local.get $t) (v128.load offset=112 align=4 (local.get $qpp)))
                                     (v128.load offset=144 align=4 (local.get $qpp))))
          (local.set $b1 (i32x4.shr_s (i32x4.mul (v128.load offset=240 align=4 (local.get $qpp))
            (i32x4.add (i32x4.add (local.get $t) (v128.load offset=176 align=4 (local.get $qpp)))
              (v128.and (i32x4.shr_s (local.get $t) (i32.const 31)) (v128.load offset=208 align=4 (local.get $qpp)))))
            (local.get $k)))
          (if (i32.or (i32.eqz (local.get $part)) (i32.gt_u (local.get $rem) (i32.const 8)))
            (then
          (local.set $u (i32x4.add (local.get $b2) (v128.load offset=256 align=4 (local.get $qpp))))
          (if (local.get $lshift)
            (then (local.set $u (i32x4.mul (local.get $u) (v128.load offset=288 align=4 (local.get $qpp))))))
          (local.set $t (v128.load offset=320 align=4 (local.get $qpp)))
          (local.set $t (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
            (i64x2.shl (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))
            (i64x2.shl (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))))
          (local.set $t (i32x4.min_s (i32x4.max_s (local.get $t) (v128.load offset=352 align=4 (local.get $qpp)))
                                     (v128.load offset=384 align=4 (local.get $qpp))))
          (local.set $b2 (i32x4.shr_s (i32x4.mul (v128.load offset=480 align=4 (local.get $qpp))
            (i32x4.add (i32x4.add (local.get $t) (v128.load offset=416 align=4 (local.get $qpp)))
              (v128.and (i32x4.shr_s (local.get $t) (i32.const 31)) (v128.load offset=448 align=4 (local.get $qpp)))))
            (local.get $k)))))
          (if (i32.eqz (local.get $part))
            (then
          (local.set $u (i32x4.add (local.get $b3) (v128.load offset=272 align=4 (local.get $qpp))))
          (if (local.get $lshift)
            (then (local.set $u (i32x4.mul (local.get $u) (v128.load offset=304 align=4 (local.get $qpp))))))
          (local.set $t (v128.load offset=336 align=4 (local.get $qpp)))
          (local.set $t (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
            (i64x2.shl (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))
            (i64x2.shl (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))))
          (local.set $t (i32x4.min_s (i32x4.max_s (local.get $t) (v128.load offset=368 align=4 (local.get $qpp)))
                                     (v128.load offset=400 align=4 (local.get $qpp))))
          (local.set $b3 (i32x4.shr_s (i32x4.mul (v128.load offset=496 align=4 (local.get $qpp))
            (i32x4.add (i32x4.add (local.get $t) (v128.load offset=432 align=4 (local.get $qpp)))
              (v128.and (i32x4.shr_s (local.get $t) (i32.const 31)) (v128.load offset=464 align=4 (local.get $qpp)))))
            (local.get $k)))))
          (local.set $u (i16x8.min_s (i16x8.max_s (i16x8.add_sat_s (local.get $off16)
            (i16x8.narrow_i32x4_s (local.get $b0) (local.get $b1))) (local.get $lo16)) (local.get $hi16)))
          (local.set $t (i16x8.min_s (i16x8.max_s (i16x8.add_sat_s (local.get $off16)
            (i16x8.narrow_i32x4_s (local.get $b2) (local.get $b3))) (local.get $lo16)) (local.get $hi16)))
          (local.set $u
            (if (result v128) (local.get $unsigned)
              (then (i8x16.narrow_i16x8_u (local.get $u) (local.get $t)))
              (else (i8x16.narrow_i16x8_s (local.get $u) (local.get $t)))))
          (if (local.get $part)
            (then (call $storePart (i32.add (local.get $out) (local.get $rowBytes)) (local.get $u) (local.get $rem)))
            (else (v128.store align=1 (i32.add (local.get $out) (local.get $rowBytes)) (local.get $u))))))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $qpp (i32.add (local.get $qpp) (i32.const 512)))
          (local.set $ob (i32.add (local.get $ob) (i32.const 1)))
          (br_if $bl (i32.lt_u (local.get $ob) (local.get $blocks))))
        (if (local.get $pair)
          (then (local.set $out (i32.add (local.get $o0) (i32.shl (local.get $rowBytes) (i32.const 1)))))
          (else (local.set $out (i32.add (local.get $o0) (local.get $rowBytes)))))
        (local.set $ox (i32.add (local.get $ox) (i32.add (i32.const 1) (local.get $pair))))
        (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH)))))

  ;; add_lut: 8-bit ADD of two same-shape inputs through the reference's 64 KiB table (add.ts's
  ;;   add8Table): out[k] = table[(x[k] ^ flip) << 8 | (y[k] ^ flip)], flip 0x80 for int8 (x + 128
  ;;   as a byte) and 0 for uint8, four elements per step (n rounded up; 4 bytes of slack after
  ;;   the inputs and the output).
  (func (export "add_lut")
    (param $x i32) (param $y i32) (param $out i32) (param $n i32) (param $table i32) (param $flip i32)
    (local $end i32) (local $a i32) (local $b i32) (local $flip4 i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $flip4 (i32.mul (local.get $flip) (i32.const 0x01010101)))
    (local.set $end (i32.add (local.get $out) (local.get $n)))
    (loop $l
      (local.set $a (i32.xor (i32.load align=1 (local.get $x)) (local.get $flip4)))
      (local.set $b (i32.xor (i32.load align=1 (local.get $y)) (local.get $flip4)))
      (i32.store align=1 (local.get $out) (i32.or (i32.or
        (i32.load8_u (i32.add (local.get $table)
          (i32.or (i32.shl (i32.and (local.get $a) (i32.const 0xff)) (i32.const 8)) (i32.and (local.get $b) (i32.const 0xff)))))
        (i32.shl (i32.load8_u (i32.add (local.get $table)
          (i32.or (i32.and (local.get $a) (i32.const 0xff00)) (i32.and (i32.shr_u (local.get $b) (i32.const 8)) (i32.const 0xff)))))
          (i32.const 8)))
        (i32.or
          (i32.shl (i32.load8_u (i32.add (local.get $table)
            (i32.or (i32.and (i32.shr_u (local.get $a) (i32.const 8)) (i32.const 0xff00)) (i32.and (i32.shr_u (local.get $b) (i32.const 16)) (i32.const 0xff)))))
            (i32.const 16))
          (i32.shl (i32.load8_u (i32.add (local.get $table)
            (i32.or (i32.and (i32.shr_u (local.get $a) (i32.const 16)) (i32.const 0xff00)) (i32.shr_u (local.get $b) (i32.const 24)))))
            (i32.const 24)))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br_if $l (i32.lt_u (local.get $out) (local.get $end)))))

  ;; chansum_8: the int32 sums over `pixels` pixels of each of cb int8 (unsigned 0) or uint8 (1)
  ;;   channels, per batch: in [batches][pixels][cb] -> out [batches][cb] int32 (MEAN over the
  ;;   spatial axes; exact for fewer than 2^23 pixels). Sixteen channels at a time; a batch's last
  ;;   group spills as avgpool_8's does (64 bytes of slack after the output, 16 after the input).
  (func (export "chansum_8")
    (param $in i32) (param $out i32) (param $batches i32) (param $pixels i32) (param $cb i32)
    (param $unsigned i32)
    (local $b i32) (local $off i32) (local $p i32) (local $img i32) (local $q i32) (local $o i32)
    (local $v v128) (local $w v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (if (i32.eqz (i32.mul (i32.mul (local.get $batches) (local.get $pixels)) (local.get $cb))) (then (return)))
    (loop $bl
      (local.set $img (i32.add (local.get $in)
        (i32.mul (local.get $b) (i32.mul (local.get $pixels) (local.get $cb)))))
      (local.set $o (i32.add (local.get $out) (i32.shl (i32.mul (local.get $b) (local.get $cb)) (i32.const 2))))
      (local.set $off (i32.const 0))
      (loop $cl
        (local.set $s0 (v128.const i32x4 0 0 0 0))
        (local.set $s1 (v128.const i32x4 0 0 0 0))
        (local.set $s2 (v128.const i32x4 0 0 0 0))
        (local.set $s3 (v128.const i32x4 0 0 0 0))
        (local.set $q (i32.add (local.get $img) (local.get $off)))
        (local.set $p (i32.const 0))
        (loop $pl
          (local.set $v (v128.load align=1 (local.get $q)))
          (if (local.get $unsigned)
            (then
              (local.set $w (i16x8.extend_high_i8x16_u (local.get $v)))
              (local.set $v (i16x8.extend_low_i8x16_u (local.get $v))))
            (else
              (local.set $w (i16x8.extend_high_i8x16_s (local.get $v)))
              (local.set $v (i16x8.extend_low_i8x16_s (local.get $v)))))
          (local.set $s0 (i32x4.add (local.get $s0) (i32x4.extend_low_i16x8_s (local.get $v))))
          (local.set $s1 (i32x4.add (local.get $s1) (i32x4.extend_high_i16x8_s (local.get $v))))
          (local.set $s2 (i32x4.add (local.get $s2) (i32x4.extend_low_i16x8_s (local.get $w))))
          (local.set $s3 (i32x4.add (local.get $s3) (i32x4.extend_high_i16x8_s (local.get $w))))
          (local.set $q (i32.add (local.get $q) (local.get $cb)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $pl (i32.lt_u (local.get $p) (local.get $pixels))))
        (v128.store align=4 (local.get $o) (local.get $s0))
        (v128.store offset=16 align=4 (local.get $o) (local.get $s1))
        (v128.store offset=32 align=4 (local.get $o) (local.get $s2))
        (v128.store offset=48 align=4 (local.get $o) (local.get $s3))
        (local.set $o (i32.add (local.get $o) (i32.const 64)))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br_if $cl (i32.lt_u (local.get $off) (local.get $cb))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bl (i32.lt_u (local.get $b) (local.get $batches)))))

  ;; fc_f: float FULLY_CONNECTED in one call, the reference's arithmetic (fully_connected.ts):
  ;;   each unit's dot product summed in double over the depth in order from +0 (f64x2, no fused
  ;;   multiply-add; products of float32 values are exact in double), rounded to float32, plus the
  ;;   bias in double, the clamp `v < lo ? lo : v > hi ? hi : v`, stored as float32. Eight units
  ;;   at a time (four f64x2); weights double [ceil(units / 8)][depth][8], bias double
  ;;   [ceil(units / 8) * 8] (zeros past the units), input float32 [batches][depth], output
  ;;   float32 [batches][units]; $acc: 64 bytes of scratch.
  (func (export "fc_f")
    (param $x i32) (param $w i32) (param $bias i32) (param $out i32) (param $acc i32)
    (param $batches i32) (param $depth i32) (param $units i32) (param $lo f64) (param $hi f64)
    (local $bi i32) (local $u i32) (local $wptr i32) (local $p i32) (local $pend i32)
    (local $n i32) (local $k i32) (local $v f64) (local $xv v128) (local $wv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (if (i32.eqz (i32.mul (local.get $batches) (local.get $units))) (then (return)))
    (loop $bl
      (local.set $wptr (local.get $w))
      (local.set $u (i32.const 0))
      (loop $ul
        (local.set $a0 (v128.const f64x2 0 0))
        (local.set $a1 (v128.const f64x2 0 0))
        (local.set $a2 (v128.const f64x2 0 0))
        (local.set $a3 (v128.const f64x2 0 0))
        (local.set $p (local.get $x))
        (local.set $pend (i32.add (local.get $x) (i32.shl (local.get $depth) (i32.const 2))))
        (if (local.get $depth)
          (then
            (loop $dl
              (local.set $xv (f64x2.splat (f64.promote_f32 (f32.load (local.get $p)))))
              (local.set $wv (v128.load align=8 (local.get $wptr)))
              (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $xv) (local.get $wv))))
              (local.set $wv (v128.load offset=16 align=8 (local.get $wptr)))
              (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $xv) (local.get $wv))))
              (local.set $wv (v128.load offset=32 align=8 (local.get $wptr)))
              (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $xv) (local.get $wv))))
              (local.set $wv (v128.load offset=48 align=8 (local.get $wptr)))
              (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $xv) (local.get $wv))))
              (local.set $wptr (i32.add (local.get $wptr) (i32.const 64)))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br_if $dl (i32.lt_u (local.get $p) (local.get $pend))))))
        (v128.store align=8 (local.get $acc) (local.get $a0))
        (v128.store offset=16 align=8 (local.get $acc) (local.get $a1))
        (v128.store offset=32 align=8 (local.get $acc) (local.get $a2))
        (v128.store offset=48 align=8 (local.get $acc) (local.get $a3))
        ;; $n: the units of this block (at most eight)
        (local.set $n (i32.sub (local.get $units) (local.get $u)))
        (if (i32.gt_u (local.get $n) (i32.const 8)) (then (local.set $n (i32.const 8))))
        (local.set $k (i32.const 0))
        (loop $kl
          (local.set $v (f64.add
            (f64.promote_f32 (f32.demote_f64 (f64.load (i32.add (local.get $acc) (i32.shl (local.get $k) (i32.const 3))))))
            (f64.load (i32.add (local.get $bias) (i32.shl (i32.add (local.get $u) (local.get $k)) (i32.const 3))))))
          (if (f64.lt (local.get $v) (local.get $lo)) (then (local.set $v (local.get $lo)))
            (else (if (f64.gt (local.get $v) (local.get $hi)) (then (local.set $v (local.get $hi))))))
          (f32.store (local.get $out) (f32.demote_f64 (local.get $v)))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $kl (i32.lt_u (local.get $k) (local.get $n))))
        (local.set $u (i32.add (local.get $u) (i32.const 8)))
        (br_if $ul (i32.lt_u (local.get $u) (local.get $units))))
      (local.set $x (i32.add (local.get $x) (i32.shl (local.get $depth) (i32.const 2))))
      (local.set $bi (i32.add (local.get $bi) (i32.const 1)))
      (br_if $bl (i32.lt_u (local.get $bi) (local.get $batches)))))

  ;; fc_i8: int32 sums of FULLY_CONNECTED from the raw 8-bit input, weights packed as int8 (half
  ;;   the bytes of conv_i's int16), depth in the lanes: for each of `rows` input rows of `depth`
  ;;   bytes and each group of four units, sum over d of s(x[d]) * W[u][d], s(x) = the input byte
  ;;   xor $flip read as int8 (flip 0 for int8 inputs; 128 for uint8, whose x = s(x) + 128), so
  ;;   that the caller folds (input_offset + flip) * sum_d W[u][d] into the bias (integer sums are
  ;;   exact mod 2^32 in any order). Weights int8 [groups][chunks][4][16], zero past depth and past
  ;;   the units: each chunk of sixteen inputs meets four units' sixteen weights, widened to int16
  ;;   (i32x4.dot_i16x8_s of products within 2^15, no overflow before the wrapping adds). Reads run
  ;;   up to 15 bytes past a row (they meet zero weights). acc: int32 [rows][accStride bytes], four
  ;;   units per group (the three or fewer past the units are zero sums).
  (func (export "fc_i8")
    (param $x i32) (param $w i32) (param $acc i32) (param $rows i32) (param $depth i32)
    (param $chunks i32) (param $groups i32) (param $accStride i32) (param $flip i32)
    (local $r i32) (local $g i32) (local $c i32) (local $p i32) (local $wp i32) (local $o i32)
    (local $mask v128) (local $xv v128) (local $xl v128) (local $xh v128) (local $wv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (if (i32.eqz (i32.mul (local.get $rows) (i32.mul (local.get $chunks) (local.get $groups)))) (then (return)))
    (local.set $mask (i8x16.splat (local.get $flip)))
    (loop $rl
      (local.set $wp (local.get $w))
      (local.set $o (local.get $acc))
      (local.set $g (i32.const 0))
      (loop $gl
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $x))
        (local.set $c (i32.const 0))
        (loop $cl
          (local.set $xv (v128.xor (v128.load align=1 (local.get $p)) (local.get $mask)))
          (local.set $xl (i16x8.extend_low_i8x16_s (local.get $xv)))
          (local.set $xh (i16x8.extend_high_i8x16_s (local.get $xv)))
          (local.set $wv (v128.load (local.get $wp)))
          (local.set $a0 (i32x4.add (local.get $a0) (i32x4.add
            (i32x4.dot_i16x8_s (local.get $xl) (i16x8.extend_low_i8x16_s (local.get $wv)))
            (i32x4.dot_i16x8_s (local.get $xh) (i16x8.extend_high_i8x16_s (local.get $wv))))))
          (local.set $wv (v128.load offset=16 (local.get $wp)))
          (local.set $a1 (i32x4.add (local.get $a1) (i32x4.add
            (i32x4.dot_i16x8_s (local.get $xl) (i16x8.extend_low_i8x16_s (local.get $wv)))
            (i32x4.dot_i16x8_s (local.get $xh) (i16x8.extend_high_i8x16_s (local.get $wv))))))
          (local.set $wv (v128.load offset=32 (local.get $wp)))
          (local.set $a2 (i32x4.add (local.get $a2) (i32x4.add
            (i32x4.dot_i16x8_s (local.get $xl) (i16x8.extend_low_i8x16_s (local.get $wv)))
            (i32x4.dot_i16x8_s (local.get $xh) (i16x8.extend_high_i8x16_s (local.get $wv))))))
          (local.set $wv (v128.load offset=48 (local.get $wp)))
          (local.set $a3 (i32x4.add (local.get $a3) (i32x4.add
            (i32x4.dot_i16x8_s (local.get $xl) (i16x8.extend_low_i8x16_s (local.get $wv)))
            (i32x4.dot_i16x8_s (local.get $xh) (i16x8.extend_high_i8x16_s (local.get $wv))))))
          (local.set $wp (i32.add (local.get $wp) (i32.const 64)))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $cl (i32.lt_u (local.get $c) (local.get $chunks))))
        ;; the four units' horizontal sums: pairs of lanes, then the pairs' halves
        (local.set $a0 (i32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a1))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a0) (local.get $a1))))
        (local.set $a2 (i32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a2) (local.get $a3))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a2) (local.get $a3))))
        (v128.store align=4 (local.get $o) (i32x4.add
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a2))
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a2))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br_if $gl (i32.lt_u (local.get $g) (local.get $groups))))
      (local.set $x (i32.add (local.get $x) (local.get $depth)))
      (local.set $acc (i32.add (local.get $acc) (local.get $accStride)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rl (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; conv_d8q: CONV_2D from the raw 8-bit input [H][W][C] straight to 8-bit outputs, for windows
  ;;   that lie inside the input (no padding) of at most sixteen values whose rows each span at
  ;;   most sixteen bytes ((kW - 1) * dilW * C + C): no im2col, no int32 accumulators in memory.
  ;;   Per output pixel the window is gathered into one v128 of bytes in the filter's (fy, fx, c)
  ;;   order (each window row one 16-byte load, i8x16.swizzle with that row's index vector at
  ;;   $idx + 16 * fy, indices >= 16 giving zero, or'ed together; rows 0-2 unrolled), xor $flip
  ;;   (as fc_i8: the input offset and the flip are folded into the bias by the caller), widened
  ;;   to int16 and split into pairs splatted across the lanes; each group of four output
  ;;   channels is then sum_j i32x4.dot_i16x8_s(pair j, weights [group][8 pairs][4][2] int16,
  ;;   zero past the window) requantized in registers as requant_q does (parameters per group at
  ;;   $qp, 128 bytes: bias, 2^max(shift, 0), multiplier, -C, C, H, N, A, four lanes each; the
  ;;   clamp to [-C, C] only with $clamp: the caller leaves it out where |t| is small enough for
  ;;   (t + H + N) * A not to overflow, the quotient then being exact), offset and clamped as
  ;;   int32 and its low bytes stored (in [lo, hi]). A last group past out_c writes up to three
  ;;   bytes over the next pixel's first outputs (rewritten next) or the slack after the output.
  ;;   Reads may run 16 bytes past the input.
  (func (export "conv_d8q")
    (param $x i32) (param $w i32) (param $out i32) (param $outH i32) (param $outW i32)
    (param $rowStep i32) (param $colStep i32) (param $rowDil i32) (param $kH i32) (param $idx i32)
    (param $npairs i32) (param $groups i32) (param $qp i32) (param $outC i32) (param $flip i32)
    (param $outOff i32) (param $lo i32) (param $hi i32) (param $k i32) (param $lshift i32)
    (param $clamp i32)
    (local $oy i32) (local $ox i32) (local $fy i32) (local $row i32) (local $p i32) (local $ix i32)
    (local $g i32) (local $wp i32) (local $qpp i32) (local $o i32)
    (local $win v128) (local $mask v128) (local $l v128) (local $h v128)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128)
    (local $p4 v128) (local $p5 v128) (local $p6 v128) (local $p7 v128)
    (local $a v128) (local $u v128) (local $t v128)
    (local $half v128) (local $off v128) (local $vlo v128) (local $vhi v128)
    (if (i32.eqz (i32.mul (i32.mul (local.get $outH) (local.get $outW)) (local.get $groups))) (then (return)))
    (local.set $mask (i8x16.splat (local.get $flip)))
    (local.set $half (i64x2.splat (i64.const 1073741824)))
    (local.set $off (i32x4.splat (local.get $outOff)))
    (local.set $vlo (i32x4.splat (local.get $lo)))
    (local.set $vhi (i32x4.splat (local.get $hi)))
    (loop $yl
      (local.set $row (i32.add (local.get $x) (i32.mul (local.get $oy) (local.get $rowStep))))
      (local.set $ox (i32.const 0))
      (loop $xl
        ;; the window's bytes
        ;; window rows 0-2 unrolled, any further rows in a loop
        (local.set $win (i8x16.swizzle (v128.load align=1 (local.get $row)) (v128.load (local.get $idx))))
        (if (i32.gt_u (local.get $kH) (i32.const 1))
          (then
            (local.set $p (i32.add (local.get $row) (local.get $rowDil)))
            (local.set $win (v128.or (local.get $win)
              (i8x16.swizzle (v128.load align=1 (local.get $p)) (v128.load offset=16 (local.get $idx)))))
            (if (i32.gt_u (local.get $kH) (i32.const 2))
              (then
                (local.set $p (i32.add (local.get $p) (local.get $rowDil)))
                (local.set $win (v128.or (local.get $win)
                  (i8x16.swizzle (v128.load align=1 (local.get $p)) (v128.load offset=32 (local.get $idx)))))
                (if (i32.gt_u (local.get $kH) (i32.const 3))
                  (then
                    (local.set $ix (i32.add (local.get $idx) (i32.const 48)))
                    (local.set $fy (i32.const 3))
                    (loop $fl
                      (local.set $p (i32.add (local.get $p) (local.get $rowDil)))
                      (local.set $win (v128.or (local.get $win)
                        (i8x16.swizzle (v128.load align=1 (local.get $p)) (v128.load (local.get $ix)))))
                      (local.set $ix (i32.add (local.get $ix) (i32.const 16)))
                      (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
                      (br_if $fl (i32.lt_u (local.get $fy) (local.get $kH))))))))))
        (local.set $win (v128.xor (local.get $win) (local.get $mask)))
        (local.set $l (i16x8.extend_low_i8x16_s (local.get $win)))
        (local.set $p0 (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $l) (local.get $l)))
        (local.set $p1 (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $l) (local.get $l)))
        (local.set $p2 (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $l) (local.get $l)))
        (local.set $p3 (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $l) (local.get $l)))
        (local.set $h (i16x8.extend_high_i8x16_s (local.get $win)))
        (local.set $p4 (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $h) (local.get $h)))
        (if (i32.gt_u (local.get $npairs) (i32.const 5))
          (then
            (local.set $p5 (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $h) (local.get $h)))
            (local.set $p6 (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $h) (local.get $h)))
            (local.set $p7 (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $h) (local.get $h)))))
        (local.set $wp (local.get $w))
        (local.set $qpp (local.get $qp))
        (local.set $o (local.get $out))
        (local.set $g (i32.const 0))
        (loop $gl
          ;; pairs 0-4 always (zero weights past the window), 5-7 where the window has them
          (local.set $a (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $p0) (v128.load (local.get $wp)))
                       (i32x4.dot_i16x8_s (local.get $p1) (v128.load offset=16 (local.get $wp))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $p2) (v128.load offset=32 (local.get $wp)))
              (i32x4.add (i32x4.dot_i16x8_s (local.get $p3) (v128.load offset=48 (local.get $wp)))
                         (i32x4.dot_i16x8_s (local.get $p4) (v128.load offset=64 (local.get $wp)))))))
          (if (i32.gt_u (local.get $npairs) (i32.const 5))
            (then
              (local.set $a (i32x4.add (local.get $a)
                (i32x4.dot_i16x8_s (local.get $p5) (v128.load offset=80 (local.get $wp)))))
              (if (i32.gt_u (local.get $npairs) (i32.const 6))
                (then
                  (local.set $a (i32x4.add (local.get $a) (i32x4.add
                    (i32x4.dot_i16x8_s (local.get $p6) (v128.load offset=96 (local.get $wp)))
                    (i32x4.dot_i16x8_s (local.get $p7) (v128.load offset=112 (local.get $wp))))))))))
          ;; requant_q's arithmetic on the group's four sums
          (local.set $u (i32x4.add (local.get $a) (v128.load (local.get $qpp))))
          (if (local.get $lshift)
            (then (local.set $u (i32x4.mul (local.get $u) (v128.load offset=16 (local.get $qpp))))))
          (local.set $t (v128.load offset=32 (local.get $qpp)))
          (local.set $t (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
            (i64x2.shl (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))
            (i64x2.shl (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $u) (local.get $t)) (local.get $half)) (i32.const 1))))
          (if (local.get $clamp)
            (then (local.set $t (i32x4.min_s (i32x4.max_s (local.get $t) (v128.load offset=48 (local.get $qpp)))
                                             (v128.load offset=64 (local.get $qpp))))))
          (local.set $t (i32x4.min_s (i32x4.max_s (i32x4.add (local.get $off)
            (i32x4.shr_s (i32x4.mul (v128.load offset=112 (local.get $qpp))
              (i32x4.add (i32x4.add (local.get $t) (v128.load offset=80 (local.get $qpp)))
                (v128.and (i32x4.shr_s (local.get $t) (i32.const 31)) (v128.load offset=96 (local.get $qpp)))))
              (local.get $k)))
            (local.get $vlo)) (local.get $vhi)))
          (v128.store32_lane align=1 0 (local.get $o)
            (i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $t) (local.get $t)))
          (local.set $o (i32.add (local.get $o) (i32.const 4)))
          (local.set $wp (i32.add (local.get $wp) (i32.const 128)))
          (local.set $qpp (i32.add (local.get $qpp) (i32.const 128)))
          (local.set $g (i32.add (local.get $g) (i32.const 1)))
          (br_if $gl (i32.lt_u (local.get $g) (local.get $groups))))
        (local.set $out (i32.add (local.get $out) (local.get $outC)))
        (local.set $row (i32.add (local.get $row) (local.get $colStep)))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH)))))

  ;; maxpool2_8: MAX_POOL_2D of 8-bit values [batches][inH][inW][cb] with 2x2 windows that all lie
  ;;   inside the input (no padding): maxpool_s8's and maxpool_u8's outputs without clipping the
  ;;   windows, the four taps of each group of sixteen bytes loaded and maxed at once. uint8 runs
  ;;   as int8 after xor $flip (128; 0 for int8), an order-preserving map undone on the store, so
  ;;   lo and hi are given in that signed domain. Slack as maxpool_s8's (reads and writes may run
  ;;   16 bytes past the input and the output; a pixel's extra lanes land on the next pixel's
  ;;   outputs, rewritten when that pixel is done).
  (func (export "maxpool2_8")
    (param $in i32) (param $out i32) (param $batches i32) (param $inH i32) (param $inW i32)
    (param $cb i32) (param $outH i32) (param $outW i32) (param $strideH i32) (param $strideW i32)
    (param $lo i32) (param $hi i32) (param $flip i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $img i32) (local $rowp i32) (local $p i32)
    (local $off i32) (local $row i32) (local $colStep i32)
    (local $m v128) (local $f v128) (local $vlo v128) (local $vhi v128)
    (if (i32.eqz (i32.mul (i32.mul (local.get $batches) (local.get $cb)) (i32.mul (local.get $outH) (local.get $outW)))) (then (return)))
    (local.set $f (i8x16.splat (local.get $flip)))
    (local.set $vlo (i8x16.splat (local.get $lo)))
    (local.set $vhi (i8x16.splat (local.get $hi)))
    (local.set $row (i32.mul (local.get $inW) (local.get $cb)))
    (local.set $colStep (i32.mul (local.get $strideW) (local.get $cb)))
    (loop $bl
      (local.set $img (i32.add (local.get $in) (i32.mul (local.get $b) (i32.mul (local.get $inH) (local.get $row)))))
      (local.set $oy (i32.const 0))
      (loop $yl
        (local.set $rowp (i32.add (local.get $img)
          (i32.mul (i32.mul (local.get $oy) (local.get $strideH)) (local.get $row))))
        (local.set $ox (i32.const 0))
        (loop $xl
          (local.set $off (i32.const 0))
          (loop $cl
            (local.set $p (i32.add (local.get $rowp) (local.get $off)))
            (local.set $m (i8x16.max_s
              (i8x16.max_s (v128.xor (v128.load align=1 (local.get $p)) (local.get $f))
                           (v128.xor (v128.load align=1 (i32.add (local.get $p) (local.get $cb))) (local.get $f)))
              (i8x16.max_s (v128.xor (v128.load align=1 (i32.add (local.get $p) (local.get $row))) (local.get $f))
                           (v128.xor (v128.load align=1 (i32.add (i32.add (local.get $p) (local.get $row)) (local.get $cb)))
                                     (local.get $f)))))
            (v128.store align=1 (i32.add (local.get $out) (local.get $off))
              (v128.xor (i8x16.min_s (i8x16.max_s (local.get $m) (local.get $vlo)) (local.get $vhi)) (local.get $f)))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br_if $cl (i32.lt_u (local.get $off) (local.get $cb))))
          (local.set $out (i32.add (local.get $out) (local.get $cb)))
          (local.set $rowp (i32.add (local.get $rowp) (local.get $colStep)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bl (i32.lt_u (local.get $b) (local.get $batches)))))
)
