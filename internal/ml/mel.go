package ml

import (
	"math"
	"math/cmplx"
)

// featureRate is the sample rate audio is brought to before features.
const featureRate = 16000

// resampleLinear converts samples from rate to featureRate: when shrinking
// it first averages over the ratio (a crude low-pass), then interpolates
// linearly.
func resampleLinear(x []float32, rate int) []float64 {
	if rate == featureRate {
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = float64(v)
		}
		return out
	}
	ratio := float64(rate) / featureRate
	src := make([]float64, len(x))
	if ratio > 1 {
		half := int(ratio / 2)
		var sum float64
		// Moving average of width 2·half+1.
		for i := 0; i < len(x)+half; i++ {
			if i < len(x) {
				sum += float64(x[i])
			}
			if j := i - 2*half - 1; j >= 0 {
				sum -= float64(x[j])
			}
			if c := i - half; c >= 0 && c < len(x) {
				src[c] = sum / float64(2*half+1)
			}
		}
	} else {
		for i, v := range x {
			src[i] = float64(v)
		}
	}
	n := int(float64(len(x)) / ratio)
	out := make([]float64, n)
	for i := range out {
		p := float64(i) * ratio
		j := int(p)
		f := p - float64(j)
		a := src[min(j, len(src)-1)]
		b := src[min(j+1, len(src)-1)]
		out[i] = a + f*(b-a)
	}
	return out
}

// fft computes the discrete Fourier transform of a in place; len(a) must
// be a power of two.
func fft(a []complex128) {
	n := len(a)
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j ^= bit
		if i < j {
			a[i], a[j] = a[j], a[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		w := cmplx.Exp(complex(0, -2*math.Pi/float64(size)))
		for start := 0; start < n; start += size {
			wk := complex(1, 0)
			for k := 0; k < size/2; k++ {
				u := a[start+k]
				v := a[start+k+size/2] * wk
				a[start+k] = u + v
				a[start+k+size/2] = u - v
				wk *= w
			}
		}
	}
}

func hzToMel(f float64) float64 { return 2595 * math.Log10(1+f/700) }
func melToHz(m float64) float64 { return 700 * (math.Pow(10, m/2595) - 1) }

// melFilters returns nMel triangular filters over the nFFT/2+1 power
// bins of a spectrum at rate, spanning lo to hi Hz.
func melFilters(nMel, nFFT, rate int, lo, hi float64) [][]float64 {
	pts := make([]float64, nMel+2)
	ml, mh := hzToMel(lo), hzToMel(hi)
	for i := range pts {
		pts[i] = melToHz(ml + (mh-ml)*float64(i)/float64(nMel+1))
	}
	bins := nFFT/2 + 1
	fs := make([][]float64, nMel)
	for m := range fs {
		fs[m] = make([]float64, bins)
		l, c, r := pts[m], pts[m+1], pts[m+2]
		for b := range fs[m] {
			f := float64(b) * float64(rate) / float64(nFFT)
			switch {
			case f > l && f <= c:
				fs[m][b] = (f - l) / (c - l)
			case f > c && f < r:
				fs[m][b] = (r - f) / (r - c)
			}
		}
	}
	return fs
}

const (
	frameLen = featureRate * 25 / 1000 // 25 ms
	frameHop = featureRate * 10 / 1000 // 10 ms
	nFFT     = 512
	nMel     = 40
	nMFCC    = 13
)

var melBank = melFilters(nMel, nFFT, featureRate, 20, 8000)

// mfcc returns the 13 MFCCs (c0 included) of each 25 ms frame, moved by
// 10 ms, of 16 kHz samples (pre-emphasis 0.97, Hamming window, 40 mel
// bands, log energies, orthonormal DCT-II). A clip shorter than a frame is
// zero-padded to one.
func mfcc(x []float64) [][]float64 {
	if len(x) < frameLen {
		x = append(append([]float64(nil), x...), make([]float64, frameLen-len(x))...)
	}
	n := 1 + (len(x)-frameLen)/frameHop
	out := make([][]float64, n)
	buf := make([]complex128, nFFT)
	logmel := make([]float64, nMel)
	for f := 0; f < n; f++ {
		for i := range buf {
			buf[i] = 0
		}
		for i := 0; i < frameLen; i++ {
			p := f*frameHop + i
			v := x[p]
			if p > 0 {
				v -= 0.97 * x[p-1]
			}
			w := 0.54 - 0.46*math.Cos(2*math.Pi*float64(i)/float64(frameLen-1))
			buf[i] = complex(v*w, 0)
		}
		fft(buf)
		for m, filt := range melBank {
			var e float64
			for b, wt := range filt {
				if wt != 0 {
					re, im := real(buf[b]), imag(buf[b])
					e += wt * (re*re + im*im)
				}
			}
			logmel[m] = math.Log(e + 1e-10)
		}
		c := make([]float64, nMFCC)
		for k := range c {
			var s float64
			for m, v := range logmel {
				s += v * math.Cos(math.Pi*float64(k)*(float64(m)+0.5)/nMel)
			}
			norm := math.Sqrt(2.0 / nMel)
			if k == 0 {
				norm = math.Sqrt(1.0 / nMel)
			}
			c[k] = s * norm
		}
		out[f] = c
	}
	return out
}
