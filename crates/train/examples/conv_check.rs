use candle_core::{Device, Tensor};
fn main() {
    let d = Device::Cpu;
    for (b, c, h, o) in [
        (2usize, 3usize, 32usize, 16usize),
        (2, 16, 16, 32),
        (1, 16, 16, 32),
        (2, 16, 8, 4),
        (2, 8, 16, 4),
    ] {
        let x = Tensor::randn(0f32, 1.0, (b, c, h, h), &d).unwrap();
        let w = Tensor::randn(0f32, 1.0, (o, c, 3, 3), &d).unwrap();
        let y = x.conv2d(&w, 1, 1, 1, 1).unwrap();
        // direct loop reference
        let xv = x.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        let wv = w.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        let yv = y.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        let mut maxd = 0f32;
        for n in 0..b {
            for oc in 0..o {
                for yy in 0..h {
                    for xx in 0..h {
                        let mut s = 0f32;
                        for ic in 0..c {
                            for ky in 0..3 {
                                for kx in 0..3 {
                                    let iy = yy as i64 + ky as i64 - 1;
                                    let ix = xx as i64 + kx as i64 - 1;
                                    if iy < 0 || ix < 0 || iy >= h as i64 || ix >= h as i64 {
                                        continue;
                                    }
                                    s += xv[((n * c + ic) * h + iy as usize) * h + ix as usize]
                                        * wv[((oc * c + ic) * 3 + ky) * 3 + kx];
                                }
                            }
                        }
                        maxd = maxd.max((s - yv[((n * o + oc) * h + yy) * h + xx]).abs());
                    }
                }
            }
        }
        println!("b{b} c{c} h{h} o{o}: max diff {maxd}");
    }
}
