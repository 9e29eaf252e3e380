;; Integer convolution kernels (WebAssembly SIMD) for the interpreter's CONV_2D,
;; DEPTHWISE_CONV_2D and FULLY_CONNECTED (kernels/simd/*.ts). Compiled into
;; conv-wasm.generated.ts by `npm run gen:wasm` (wabt).
;;
;; Both kernels produce int32 accumulators only: sum((w + filter_offset) * (x + input_offset)) over
;; the window, wrapped to 32 bits (i32 adds wrap as C's int32 accumulator does). Bias,
;; requantization and the clamp stay in TypeScript with the reference kernels' own functions, so
;; the outputs are the reference kernels' outputs bit for bit (see simd/conv-int.ts).
;;
;; Layouts (all prepared by the TypeScript side):
;;   input:   int16 [Hp][Wp][Cp], already offset (x + input_offset), spatially zero-padded so that
;;            every window lies inside it (a zero adds nothing: TFLite skips out-of-image taps),
;;            Cp a multiple of 8 (channels past the real ones are zero).
;;   conv weights: int16 [out_c / 4][kH][kW][Cp / 8][4][8]: four output channels' eight-channel
;;            slices side by side, read in exactly the walk's order.
;;   dw weights:   int16 [kH][kW][Cp] (one weight per tap and channel).
;;   output:  int32 [outH][outW][blocks * 4] (conv) or [outH][outW][Cp] (dw).
;; Products: inputs and weights are within 16 bits, so i32x4.dot_i16x8_s (two products summed) and
;; i32x4.extmul_*_i16x8_s cannot overflow before the wrapping accumulation.
(module
  (memory (export "memory") 1)

  ;; Sum of each of four i32x4 vectors, as one vector [sum a0, sum a1, sum a2, sum a3].
  (func $hsum4 (param $a0 v128) (param $a1 v128) (param $a2 v128) (param $a3 v128) (result v128)
    (local $s01 v128) (local $s23 v128)
    ;; [a0.0+a0.2, a1.0+a1.2, a0.1+a0.3, a1.1+a1.3]
    (local.set $s01 (i32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1))
      (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1))))
    (local.set $s23 (i32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3))
      (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3))))
    (i32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $s01) (local.get $s23))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $s01) (local.get $s23))))

  ;; conv: out[oy][ox][oc] = sum over fy < kH, fx < kW, c < Cp of
  ;;   in[oy * strideH + fy * dilH][ox * strideW + fx * dilW][c] * w[oc][fy][fx][c]
  (func (export "conv")
    (param $in i32) (param $w i32) (param $out i32) (param $outH i32) (param $outW i32)
    (param $strideH i32) (param $strideW i32) (param $dilH i32) (param $dilW i32)
    (param $kH i32) (param $kW i32) (param $cp i32) (param $wp i32) (param $blocks i32)
    (local $pix i32) (local $row i32) (local $oy i32) (local $ox i32) (local $ob i32)
    (local $fy i32) (local $fx i32) (local $origin i32) (local $rowp i32) (local $p i32)
    (local $cend i32) (local $wptr i32) (local $x v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $pix (i32.shl (local.get $cp) (i32.const 1)))
    (local.set $row (i32.mul (local.get $wp) (local.get $pix)))
    (if (i32.eqz (i32.mul (local.get $outH) (i32.mul (local.get $outW) (local.get $blocks)))) (then (return)))
    (loop $yl
      (local.set $ox (i32.const 0))
      (loop $xl
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
                (local.set $x (v128.load align=2 (local.get $p)))
                (local.set $a0 (i32x4.add (local.get $a0)
                  (i32x4.dot_i16x8_s (local.get $x) (v128.load align=2 (local.get $wptr)))))
                (local.set $a1 (i32x4.add (local.get $a1)
                  (i32x4.dot_i16x8_s (local.get $x) (v128.load offset=16 align=2 (local.get $wptr)))))
                (local.set $a2 (i32x4.add (local.get $a2)
                  (i32x4.dot_i16x8_s (local.get $x) (v128.load offset=32 align=2 (local.get $wptr)))))
                (local.set $a3 (i32x4.add (local.get $a3)
                  (i32x4.dot_i16x8_s (local.get $x) (v128.load offset=48 align=2 (local.get $wptr)))))
                (local.set $wptr (i32.add (local.get $wptr) (i32.const 64)))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (br_if $cl (i32.lt_u (local.get $p) (local.get $cend))))
              (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
              (br_if $fxl (i32.lt_u (local.get $fx) (local.get $kW))))
            (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
            (br_if $fyl (i32.lt_u (local.get $fy) (local.get $kH))))
          (v128.store align=4 (local.get $out)
            (call $hsum4 (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $ob (i32.add (local.get $ob) (i32.const 1)))
          (br_if $bl (i32.lt_u (local.get $ob) (local.get $blocks))))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br_if $xl (i32.lt_u (local.get $ox) (local.get $outW))))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br_if $yl (i32.lt_u (local.get $oy) (local.get $outH)))))

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
)
