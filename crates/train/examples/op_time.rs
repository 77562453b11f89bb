use candle_core::{DType, Device, Tensor};
use std::time::Instant;
fn t<F: FnMut() -> Tensor>(name: &str, mut f: F) {
    f();
    let s = Instant::now();
    for _ in 0..3 {
        f();
    }
    println!("{name}: {:.1} ms", s.elapsed().as_secs_f64() * 1000.0 / 3.0);
}
fn main() {
    let d = Device::Cpu;
    let x = Tensor::randn(0f32, 1.0, (128, 16, 16, 64), &d).unwrap();
    let w = Tensor::randn(0f32, 1.0, (64, 64, 3, 3), &d).unwrap();
    let xn = x.permute((0, 3, 1, 2)).unwrap().contiguous().unwrap();
    t("candle conv2d nchw", || xn.conv2d(&w, 1, 1, 1, 1).unwrap());
    let padded = x
        .pad_with_zeros(1, 1, 1)
        .unwrap()
        .pad_with_zeros(2, 1, 1)
        .unwrap();
    t("pad", || {
        x.pad_with_zeros(1, 1, 1)
            .unwrap()
            .pad_with_zeros(2, 1, 1)
            .unwrap()
    });
    t("narrow+cat", || {
        let mut v = vec![];
        for dy in 0..3 {
            for dx in 0..3 {
                v.push(padded.narrow(1, dy, 16).unwrap().narrow(2, dx, 16).unwrap());
            }
        }
        Tensor::cat(&v, 3).unwrap()
    });
    let gy = Tensor::randn(0f32, 1.0, (128, 64, 16, 16), &d).unwrap();
    t("conv_transpose2d (grad x)", || {
        gy.conv_transpose2d(&w, 1, 0, 1, 1).unwrap()
    });
    t("conv2d as grad x", || {
        gy.conv2d(
            &w.transpose(0, 1).unwrap().contiguous().unwrap(),
            1,
            1,
            1,
            1,
        )
        .unwrap()
    });
    let xt = xn.transpose(0, 1).unwrap().contiguous().unwrap();
    let gt = gy.transpose(0, 1).unwrap().contiguous().unwrap();
    t("conv2d grad w (candle style)", || {
        xt.conv2d(&gt, 1, 1, 1, 1).unwrap()
    });
    let wsh = Tensor::randn(0f32, 1.0, (9, 64, 64), &d).unwrap();
    t("per-shift matmul sum", || {
        let mut acc: Option<Tensor> = None;
        for dy in 0..3 {
            for dx in 0..3 {
                let s = padded
                    .narrow(1, dy, 16)
                    .unwrap()
                    .narrow(2, dx, 16)
                    .unwrap()
                    .contiguous()
                    .unwrap()
                    .reshape((128 * 256, 64))
                    .unwrap();
                let y = s.matmul(&wsh.get(dy * 3 + dx).unwrap()).unwrap();
                acc = Some(match acc {
                    None => y,
                    Some(a) => (a + y).unwrap(),
                });
            }
        }
        acc.unwrap()
    });
    t("narrow contiguous x1", || {
        padded
            .narrow(1, 1, 16)
            .unwrap()
            .narrow(2, 1, 16)
            .unwrap()
            .contiguous()
            .unwrap()
    });
    t("cat dim0 of contiguous", || {
        let mut v = vec![];
        for dy in 0..3 {
            for dx in 0..3 {
                v.push(
                    padded
                        .narrow(1, dy, 16)
                        .unwrap()
                        .narrow(2, dx, 16)
                        .unwrap()
                        .contiguous()
                        .unwrap()
                        .unsqueeze(3)
                        .unwrap(),
                );
            }
        }
        Tensor::cat(&v, 3).unwrap()
    });
    let cols = Tensor::randn(0f32, 1.0, (128 * 256, 576), &d).unwrap();
    let wm = Tensor::randn(0f32, 1.0, (576, 64), &d).unwrap();
    t("matmul contiguous", || cols.matmul(&wm).unwrap());
    let wp = w.permute((2, 3, 1, 0)).unwrap().reshape((576, 64)).unwrap();
    t("matmul permuted w", || cols.matmul(&wp).unwrap());
    t("max pool nhwc", || {
        x.reshape((128, 8, 2, 8, 2, 64))
            .unwrap()
            .max(4)
            .unwrap()
            .max(2)
            .unwrap()
    });
    t("max pool nchw", || xn.max_pool2d(2).unwrap());
    let flat = x.reshape((128 * 256, 64)).unwrap();
    t("mean dim0", || flat.mean(0).unwrap());
    t("bn-ish", || {
        flat.broadcast_sub(&flat.mean(0).unwrap()).unwrap()
    });
    let _ = DType::F32;
}
