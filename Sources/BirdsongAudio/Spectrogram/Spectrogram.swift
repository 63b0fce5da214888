import BirdsongSynthesis
import Foundation

/// Builds a spectrogram while audio is rendered (it is a sink) and draws it as a PNG: one
/// panel per channel, time across, frequency up, with each channel's band marked.
///
/// Every sample is analysed: each column keeps the loudest of the short spectra that fall in
/// it, so a short, quiet syllable in a long render still shows.
public final class Spectrogram: AudioSink {
  public struct Panel: Sendable {
    public var title: String
    public var band: FrequencyBand?

    public init(title: String, band: FrequencyBand?) {
      self.title = title
      self.band = band
    }
  }

  public let channels: Int
  public let sampleRate: Double
  public let columns: Int
  let fftSize = 1024
  private let totalFrames: Int
  private let hop: Int
  private let fft: FFT
  private let window: [Double]
  private var history: [[Float]]
  private var framesSeen = 0
  private var sinceLast = 0
  /// Max-held power: [channel][column * bins + bin].
  private var power: [[Float]]
  private var bins: Int { fftSize / 2 + 1 }

  public init(channels: Int, sampleRate: Double, totalFrames: Int, columns: Int = 1000) {
    self.channels = channels
    self.sampleRate = sampleRate
    self.totalFrames = max(totalFrames, 1)
    self.columns = columns
    hop = min(max(totalFrames / columns, fftSize / 4), fftSize)
    fft = FFT(size: fftSize)
    window = Window.blackmanHarris(fftSize)
    history = Array(repeating: Array(repeating: 0, count: fftSize), count: channels)
    power = Array(repeating: Array(repeating: 0, count: columns * (fftSize / 2 + 1)), count: channels)
  }

  public func write(_ samples: UnsafeBufferPointer<Float>) throws {
    let frames = samples.count / channels
    for frame in 0..<frames {
      let slot = framesSeen % fftSize
      for channel in 0..<channels { history[channel][slot] = samples[frame * channels + channel] }
      framesSeen += 1
      sinceLast += 1
      if sinceLast == hop {
        sinceLast = 0
        analyse()
      }
    }
  }

  public func finish() throws {}

  private func analyse() {
    let center = framesSeen - fftSize / 2
    let column = min(max(center * columns / totalFrames, 0), columns - 1)
    for channel in 0..<channels {
      let ring = history[channel]
      if !ring.contains(where: { $0 != 0 }) { continue }
      let start = framesSeen % fftSize
      let signal = (0..<fftSize).map { Double(ring[(start + $0) % fftSize]) * window[$0] }
      let spectrum = fft.powerSpectrum(signal)
      let base = column * bins
      for bin in 0..<bins where Float(spectrum[bin]) > power[channel][base + bin] {
        power[channel][base + bin] = Float(spectrum[bin])
      }
    }
  }

  /// Several spectrograms of the same length as one, their channels one after another (to
  /// draw a render above its filtered self).
  public static func stacked(_ parts: [Spectrogram]) -> Spectrogram {
    let first = parts[0]
    let whole = Spectrogram(
      channels: parts.reduce(0) { $0 + $1.channels }, sampleRate: first.sampleRate, totalFrames: first.totalFrames,
      columns: first.columns)
    whole.power = parts.flatMap(\.power)
    return whole
  }

  /// Draws the PNG. `panels` titles and bands each channel.
  public func png(panels: [Panel]) -> [UInt8] {
    let highestBand = panels.compactMap { $0.band?.high }.max() ?? 8000
    let top = min(sampleRate / 2, max(12000, ((highestBand + 1500) / 1000).rounded(.up) * 1000))
    let plotWidth = columns
    let panelHeight = channels == 1 ? 400 : max(110, 720 / channels)
    let (left, right, gap, header, footer) = (56, 16, 22, 26, 34)
    let width = left + plotWidth + right
    let height = header + channels * (panelHeight + gap) - gap + footer
    var canvas = Canvas(width: width, height: height)

    let peak = power.joined().max() ?? 0
    let floorDB: Float = -100
    canvas.text(
      "SPECTROGRAM  0-\(Int(top / 1000)) KHZ  (TOP LEVEL 0 DB, BOTTOM \(Int(floorDB)) DB)", x: left, y: 8,
      color: Canvas.text)
    for channel in 0..<channels {
      let y0 = header + channel * (panelHeight + gap)
      let panel = channel < panels.count ? panels[channel] : Panel(title: "CHANNEL \(channel + 1)", band: nil)
      for row in 0..<panelHeight {
        let f = top * Double(panelHeight - 1 - row) / Double(panelHeight - 1)
        let bin = min(Int((f / (sampleRate / Double(fftSize))).rounded()), bins - 1)
        for column in 0..<plotWidth {
          let p = power[channel][column * bins + bin]
          var level = peak > 0 && p > 0 ? 10 * log10(p / peak) : floorDB
          level = min(max(level, floorDB), 0)
          canvas[left + column, y0 + row] = UInt8(Float(Canvas.shades - 1) * (1 - level / floorDB))
        }
      }
      if let band = panel.band {
        for edge in [band.low, band.high] where edge < top {
          let row = y0 + panelHeight - 1 - Int(edge / top * Double(panelHeight - 1))
          for column in stride(from: left, to: left + plotWidth, by: 6) {
            for dash in 0..<3 { canvas[column + dash, row] = Canvas.band }
          }
        }
      }
      let label = panel.band.map { "\(panel.title)  BAND \($0)" } ?? panel.title
      canvas.text(label, x: left + 4, y: y0 + 3, color: Canvas.text)
      // Frequency ticks every 2 kHz (4 kHz when tall ranges would crowd the axis).
      let step = panelHeight < 200 ? (top > 12000 ? 8000.0 : 4000.0) : 2000.0
      for f in stride(from: 0.0, through: top, by: step) {
        let row = y0 + panelHeight - 1 - Int(f / top * Double(panelHeight - 1))
        for x in left - 5..<left { canvas[x, row] = Canvas.axis }
        canvas.text(
          "\(Int(f / 1000))K", x: left - 10 - 6 * String(Int(f / 1000)).count - 6, y: row - 3, color: Canvas.axis)
      }
      for x in left..<left + plotWidth { canvas[x, y0 + panelHeight] = Canvas.axis }
    }
    // Time ticks, at a round step giving about ten of them.
    let seconds = Double(totalFrames) / sampleRate
    let step = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].first { seconds / $0 <= 10 } ?? 7200
    let axisY = height - footer + 2
    for t in stride(from: 0.0, through: seconds, by: step) {
      let x = left + Int(t / seconds * Double(plotWidth - 1))
      for y in axisY..<axisY + 5 { canvas[x, y] = Canvas.axis }
      canvas.text(Self.clock(t), x: x - 8, y: axisY + 8, color: Canvas.axis)
    }
    canvas.text("TIME", x: left + plotWidth - 24, y: axisY + 20, color: Canvas.axis)
    canvas.text("KHZ", x: 4, y: header - 12, color: Canvas.axis)
    return PNGEncoder.encode(width: width, height: height, palette: Canvas.palette, pixels: canvas.pixels)
  }

  static func clock(_ seconds: Double) -> String {
    if seconds < 60 { return seconds == seconds.rounded() ? "\(Int(seconds))S" : String(format: "%.1fS", seconds) }
    let whole = Int(seconds)
    return whole >= 3600
      ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
      : String(format: "%d:%02d", whole / 60, whole % 60)
  }
}

/// A palette image to draw on: indices below `shades` are the level colours.
struct Canvas {
  static let shades = 200
  static let background: UInt8 = 200
  static let axis: UInt8 = 201
  static let text: UInt8 = 202
  static let band: UInt8 = 203

  /// Black through purple, red and orange to pale yellow (after perceptual "inferno"-like
  /// maps), then the four drawing colours.
  static let palette: [(UInt8, UInt8, UInt8)] = {
    let stops: [(Double, Double, Double)] = [
      (0, 0, 4), (40, 11, 84), (101, 21, 110), (159, 42, 99), (212, 72, 66), (245, 125, 21), (250, 193, 39),
      (252, 255, 164),
    ]
    var colours: [(UInt8, UInt8, UInt8)] = (0..<shades).map { index in
      let x = Double(index) / Double(shades - 1) * Double(stops.count - 1)
      let i = min(Int(x), stops.count - 2)
      let t = x - Double(i)
      let (a, b) = (stops[i], stops[i + 1])
      return (UInt8(a.0 + (b.0 - a.0) * t), UInt8(a.1 + (b.1 - a.1) * t), UInt8(a.2 + (b.2 - a.2) * t))
    }
    colours += [(18, 18, 24), (170, 170, 180), (240, 240, 240), (0, 230, 160)]
    return colours
  }()

  let width: Int
  let height: Int
  var pixels: [UInt8]

  init(width: Int, height: Int) {
    self.width = width
    self.height = height
    pixels = Array(repeating: Self.background, count: width * height)
  }

  subscript(x: Int, y: Int) -> UInt8 {
    get { pixels[y * width + x] }
    set { if x >= 0, y >= 0, x < width, y < height { pixels[y * width + x] = newValue } }
  }

  mutating func text(_ string: String, x: Int, y: Int, color: UInt8) {
    for (index, character) in string.enumerated() {
      let glyph = PixelFont.glyph(character)
      for (row, bits) in glyph.enumerated() {
        for column in 0..<PixelFont.width where bits & (0x10 >> UInt8(column)) != 0 {
          self[x + index * (PixelFont.width + 1) + column, y + row] = color
        }
      }
    }
  }
}
