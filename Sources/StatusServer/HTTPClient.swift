import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 POST and its answer, on SwiftNIO: what `ctl --url` sends to another machine's
/// status page (Foundation's URLSession would bring curl, TLS and Kerberos libraries into the
/// program for one request).
public enum HTTPClient {
  public struct Failure: Error, CustomStringConvertible {
    public let description: String
  }

  /// POSTs `body` to http://host:port/path; returns the status code and the reply's text.
  public static func post(
    host: String, port: Int, path: String, body: String, headers: [(String, String)], timeout: Int64 = 10
  ) throws -> (status: Int, text: String) {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    defer { try? group.syncShutdownGracefully() }
    let answer = group.next().makePromise(of: (status: Int, text: String).self)
    let channel = try ClientBootstrap(group: group)
      .connectTimeout(.seconds(timeout))
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHTTPClientHandlers()
          try channel.pipeline.syncOperations.addHandler(ReplyHandler(answer: answer))
        }
      }
      .connect(host: host, port: port).wait()
    var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
    head.headers.add(name: "Host", value: "\(host):\(port)")
    head.headers.add(name: "Content-Length", value: String(body.utf8.count))
    head.headers.add(name: "Connection", value: "close")
    for (name, value) in headers { head.headers.add(name: name, value: value) }
    channel.write(HTTPClientRequestPart.head(head), promise: nil)
    channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(string: body))), promise: nil)
    channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    let timer = channel.eventLoop.scheduleTask(in: .seconds(timeout)) {
      answer.fail(Failure(description: "no answer within \(timeout) s"))
    }
    defer {
      timer.cancel()
      channel.close(promise: nil)
    }
    return try answer.futureResult.wait()
  }
}

private final class ReplyHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPClientResponsePart

  let answer: EventLoopPromise<(status: Int, text: String)>
  private var status = 0
  private var text = ""

  init(answer: EventLoopPromise<(status: Int, text: String)>) {
    self.answer = answer
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head): status = Int(head.status.code)
    case .body(let buffer): text += String(buffer: buffer)
    case .end: answer.succeed((status, text))
    }
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    answer.fail(error)
    context.close(promise: nil)
  }

  func channelInactive(context: ChannelHandlerContext) {
    answer.fail(HTTPClient.Failure(description: "the connection closed before an answer"))
  }
}
