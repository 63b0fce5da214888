import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP request as the server hands it on: small, complete, read.
public struct HTTPRequest: Sendable {
  public var method: String
  /// The path without the query.
  public var path: String
  public var headers: [(name: String, value: String)]
  public var body: [UInt8]

  public func header(_ name: String) -> String? {
    headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }
}

public struct HTTPResponse: Sendable {
  public var status: Int
  public var contentType: String
  public var body: [UInt8]

  public init(status: Int = 200, contentType: String, body: [UInt8]) {
    self.status = status
    self.contentType = contentType
    self.body = body
  }

  public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
    HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array((text + "\n").utf8))
  }
}

/// A small HTTP/1.1 server on SwiftNIO, for the status page, its JSON and the metrics: NIO
/// parses the protocol, `respond` answers each request (at once, or later from another
/// thread: it is given a function to call with the response).
public final class HTTPServer: Sendable {
  public typealias Respond = @Sendable (HTTPRequest, @escaping @Sendable (HTTPResponse) -> Void) -> Void

  private let group: MultiThreadedEventLoopGroup
  private let channel: any Channel
  /// The address it listens on (with the port the system chose, when asked for port 0).
  public let port: Int

  /// The largest request body taken (commands are one short line).
  static let maximumBody = 4096

  public init(host: String, port: Int, respond: @escaping Respond) throws {
    group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    do {
      channel = try ServerBootstrap(group: group)
        .serverChannelOption(.backlog, value: 16)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
            try channel.pipeline.syncOperations.addHandler(RequestHandler(respond: respond))
          }
        }
        .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .bind(host: host, port: port).wait()
    } catch {
      try? group.syncShutdownGracefully()
      throw error
    }
    self.port = channel.localAddress?.port ?? port
  }

  public func close() {
    try? channel.close().wait()
    try? group.syncShutdownGracefully()
  }
}

/// Gathers a request's head and body, hands it on, and writes the response when it comes.
private final class RequestHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  let respond: HTTPServer.Respond
  private var head: HTTPRequestHead?
  private var body: [UInt8] = []

  init(respond: @escaping HTTPServer.Respond) {
    self.respond = respond
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head):
      self.head = head
      body = []
    case .body(var buffer):
      if body.count + buffer.readableBytes <= HTTPServer.maximumBody {
        body += buffer.readBytes(length: buffer.readableBytes) ?? []
      } else {
        body = Array(repeating: 0, count: HTTPServer.maximumBody + 1)  // marked too large
      }
    case .end:
      guard let head else { return }
      self.head = nil
      let keepAlive = head.isKeepAlive
      let version = head.version
      let path = String(head.uri.prefix { $0 != "?" })
      let request = HTTPRequest(
        method: head.method.rawValue, path: path, headers: head.headers.map { ($0.name, $0.value) }, body: body)
      let loop = context.eventLoop
      let bound = NIOLoopBound((self, context), eventLoop: loop)
      let write: @Sendable (HTTPResponse) -> Void = { response in
        loop.execute {
          let (handler, context) = bound.value
          handler.write(response, version: version, keepAlive: keepAlive, context: context)
        }
      }
      if body.count > HTTPServer.maximumBody {
        write(.text("the request is too large", status: 413))
      } else {
        respond(request, write)
      }
    }
  }

  private func write(_ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext) {
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: response.contentType)
    headers.add(name: "Content-Length", value: String(response.body.count))
    headers.add(name: "Cache-Control", value: "no-store")
    headers.add(name: "X-Content-Type-Options", value: "nosniff")
    if !keepAlive { headers.add(name: "Connection", value: "close") }
    let head = HTTPResponseHead(
      version: version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
    context.write(wrapOutboundOut(.head(head)), promise: nil)
    context.write(
      wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
    let done = context.eventLoop.makePromise(of: Void.self)
    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
    if !keepAlive {
      let channel = context.channel
      done.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }
  }
}
