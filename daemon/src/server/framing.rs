//! The JSON-RPC frames between the editor and tower-lsp.
//!
//! tower-lsp stops reading for good at the first frame it cannot decode
//! (and so the daemon exits), and stops reading at all while its queue of
//! running requests is full, `$/cancelRequest` included. So every frame
//! passes through here first:
//!
//! * a frame whose header is unreadable (no, negative, non-numeric or huge
//!   `Content-Length`, a header that never ends) gets a parse error and the
//!   reader resynchronises on the next `Content-Length` header;
//! * a body that is not one JSON-RPC 2.0 message (invalid JSON or UTF-8,
//!   nesting too deep, a batch array, `jsonrpc` other than "2.0", an id that
//!   is neither a number nor a string…) gets its error, with its id where
//!   one can be read, and never reaches tower-lsp;
//! * a request to an unknown `$/` method gets MethodNotFound;
//! * past `MAX_IN_FLIGHT` running requests a new one is refused at once
//!   (ServerCancelled, the client may retry), so reading never stops and a
//!   cancellation always gets through;
//! * the end of input (the editor is gone) is reported at once.
//!
//! Frames going out (tower-lsp's and these errors) are written whole, one
//! after the other, by one writer task.

use std::borrow::Cow;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::{mpsc, Notify};
use tower_lsp::jsonrpc::Id;

/// Requests running at once before new ones are refused...
pub const MAX_IN_FLIGHT: usize = 512;
/// ...and apart from them, requests that answer at once whatever else is
/// running, so that they always get through.
pub const MAX_QUICK_IN_FLIGHT: usize = 256;
const QUICK_METHODS: [&str; 6] = [
    "initialize",
    "shutdown",
    "gitinspector/healthCheck",
    "gitinspector/getPerformanceStats",
    "gitinspector/getEngineInfo",
    "gitinspector/getSettings",
];

fn class(method: &str) -> usize {
    usize::from(QUICK_METHODS.contains(&method))
}
/// The longest header section read before the frame is given up on.
const MAX_HEADER_BYTES: usize = 8 << 10;
/// The largest body accepted (a 50 MB buffer is a real editor's file).
const MAX_BODY_BYTES: usize = 512 << 20;
/// How much is read from the editor at once.
const READ_CHUNK: usize = 256 << 10;

/// Deepest nesting of arrays and objects accepted (tower-lsp's parser stops
/// at 128, and then stops reading altogether).
const MAX_DEPTH: usize = 100;

const BOM: &[u8] = b"\xef\xbb\xbf";

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const SERVER_CANCELLED: i64 = -32802;

/// `$/` notifications the protocol defines; other `$/` requests are unknown.
const KNOWN_DOLLAR_METHODS: [&str; 4] =
    ["$/cancelRequest", "$/progress", "$/setTrace", "$/logTrace"];

/// What the reader shares with the rest of the server.
#[derive(Default)]
pub struct Shared {
    /// Requests forwarded and not yet answered (decremented by `InFlight`),
    /// other ones and quick ones.
    in_flight: [AtomicUsize; 2],
    /// Notified when the editor closed its end.
    pub input_closed: Notify,
}

/// Held by a request's handler; its drop marks the request answered or
/// cancelled.
pub struct InFlight(Arc<Shared>, usize);

impl InFlight {
    pub fn new(shared: &Arc<Shared>, method: &str) -> InFlight {
        InFlight(shared.clone(), class(method))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(count) = self.0.in_flight.get(self.1) {
            count.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// Outgoing frames, written by one task.
pub type Frames = mpsc::UnboundedSender<Vec<u8>>;

/// Starts the reader and the writer; returns tower-lsp's input stream and
/// output sink, and the state shared with the service wrapper.
pub fn spawn(
    input: Box<dyn AsyncRead + Unpin + Send>,
    output: Box<dyn AsyncWrite + Unpin + Send>,
) -> (DuplexStream, FrameSink, Arc<Shared>) {
    let shared = Arc::new(Shared::default());
    let (frames, outgoing) = mpsc::unbounded_channel();
    let (to_server, from_reader) = tokio::io::duplex(READ_CHUNK);
    tokio::spawn(write_frames(output, outgoing, shared.clone()));
    tokio::spawn(read_frames(
        input,
        to_server,
        frames.clone(),
        shared.clone(),
    ));
    (from_reader, FrameSink::new(frames), shared)
}

async fn write_frames(
    mut output: Box<dyn AsyncWrite + Unpin + Send>,
    mut outgoing: mpsc::UnboundedReceiver<Vec<u8>>,
    shared: Arc<Shared>,
) {
    while let Some(frame) = outgoing.recv().await {
        let written = async {
            output.write_all(&frame).await?;
            output.flush().await
        };
        if let Err(err) = written.await {
            tracing::info!("the editor stopped reading our output ({err}); exiting");
            shared.input_closed.notify_one();
            return;
        }
    }
}

async fn read_frames(
    mut input: Box<dyn AsyncRead + Unpin + Send>,
    mut to_server: DuplexStream,
    frames: Frames,
    shared: Arc<Shared>,
) {
    let mut reader = FrameReader::default();
    let mut chunk = vec![0u8; READ_CHUNK];
    loop {
        let n = match input.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        reader.push(chunk.get(..n).unwrap_or_default());
        while let Some(event) = reader.next_event() {
            match event {
                Event::Message(body) => {
                    match admit(&body, &shared) {
                        Admit::Forward => {
                            let header = format!("Content-Length: {}\r\n\r\n", body.len());
                            let sent = async {
                                to_server.write_all(header.as_bytes()).await?;
                                to_server.write_all(&body).await
                            };
                            if sent.await.is_err() {
                                // tower-lsp stopped (after `exit`).
                                shared.input_closed.notify_one();
                                return;
                            }
                        }
                        Admit::Reply(reply) => {
                            let _ = frames.send(frame(&reply));
                        }
                        Admit::Drop => {}
                    }
                }
                Event::Bad(message) => {
                    tracing::warn!("malformed frame: {message}");
                    let _ = frames.send(frame(&error(Id::Null, PARSE_ERROR, &message)));
                }
            }
        }
    }
    tracing::info!("the editor closed our input; exiting");
    shared.input_closed.notify_one();
}

/// One frame's bytes.
pub fn frame(body: &Value) -> Vec<u8> {
    let body = body.to_string();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

fn error(id: Id, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

// ---------------------------------------------------------------------------
// reading frames

enum Event {
    Message(Vec<u8>),
    Bad(String),
}

/// Splits a byte stream into frame bodies, resynchronising after bad headers.
#[derive(Default)]
pub struct FrameReader {
    buf: Vec<u8>,
    /// The body length of the frame being read, once its header was read.
    body: Option<usize>,
    /// After a bad header: skipping to the next `Content-Length` header.
    lost: bool,
}

enum Header {
    Incomplete,
    Length { consumed: usize, length: usize },
    Bad { message: String },
}

impl FrameReader {
    fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    fn next_event(&mut self) -> Option<Event> {
        loop {
            if self.lost && !self.resynchronise() {
                return None;
            }
            if let Some(length) = self.body {
                if self.buf.len() < length {
                    return None;
                }
                let rest = self.buf.split_off(length);
                let mut body = std::mem::replace(&mut self.buf, rest);
                self.body = None;
                // A UTF-8 byte order mark before the JSON is skipped (tower-lsp
                // would not read it).
                if body.starts_with(BOM) {
                    body.drain(..BOM.len());
                }
                return Some(Event::Message(body));
            }
            // Blank lines between frames are tolerated.
            let blank = self
                .buf
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            self.buf.drain(..blank);
            match parse_header(&self.buf) {
                Header::Incomplete => return None,
                Header::Length { consumed, length } => {
                    self.buf.drain(..consumed);
                    self.body = Some(length);
                }
                Header::Bad { message } => {
                    // One error for the frame; what follows up to the next
                    // header (its body, more junk) is skipped silently.
                    self.buf.drain(..1.min(self.buf.len()));
                    self.lost = true;
                    return Some(Event::Bad(message));
                }
            }
        }
    }

    /// Drops bytes up to the next `Content-Length` header; whether one was
    /// found (else a tail that may start one is kept for the next read).
    fn resynchronise(&mut self) -> bool {
        const NEEDLE: &[u8] = b"content-length";
        let found = self
            .buf
            .windows(NEEDLE.len())
            .position(|w| w.eq_ignore_ascii_case(NEEDLE));
        match found {
            Some(start) => {
                self.buf.drain(..start);
                self.lost = false;
                true
            }
            None => {
                let keep = self.buf.len().min(NEEDLE.len() - 1);
                let cut = self.buf.len() - keep;
                self.buf.drain(..cut);
                false
            }
        }
    }
}

/// Reads a header section (`\r\n` or `\n` line ends) ending in an empty line.
fn parse_header(buf: &[u8]) -> Header {
    let mut length: Option<Result<usize, String>> = None;
    let mut start = 0;
    loop {
        let Some(end) = memchr::memchr(b'\n', buf.get(start..).unwrap_or_default()) else {
            if buf.len() > MAX_HEADER_BYTES {
                return Header::Bad {
                    message: format!("no end of header within {MAX_HEADER_BYTES} bytes"),
                };
            }
            return Header::Incomplete;
        };
        let line_end = start + end;
        let line = buf.get(start..line_end).unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        start = line_end + 1;
        if start > MAX_HEADER_BYTES {
            return Header::Bad {
                message: format!("header longer than {MAX_HEADER_BYTES} bytes"),
            };
        }
        if line.is_empty() {
            return match length {
                Some(Ok(length)) => Header::Length {
                    consumed: start,
                    length,
                },
                Some(Err(message)) => Header::Bad { message },
                None => Header::Bad {
                    message: "missing Content-Length header".to_owned(),
                },
            };
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            return Header::Bad {
                message: format!("not a header line: {:?}", shown(line)),
            };
        };
        let (name, value) = line.split_at(colon);
        let value = value.get(1..).unwrap_or_default().trim_ascii();
        if name.trim_ascii().eq_ignore_ascii_case(b"content-length") {
            length = Some(content_length(value));
        }
    }
}

fn content_length(value: &[u8]) -> Result<usize, String> {
    let text = std::str::from_utf8(value).unwrap_or("");
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid Content-Length {:?}", shown(value)));
    }
    match text.parse::<usize>() {
        Ok(n) if n <= MAX_BODY_BYTES => Ok(n),
        _ => Err(format!(
            "Content-Length {text} is over the limit of {MAX_BODY_BYTES} bytes"
        )),
    }
}

/// At most 40 bytes of untrusted input, for a message.
fn shown(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes.get(..40).unwrap_or(bytes)).into_owned()
}

// ---------------------------------------------------------------------------
// checking messages

enum Admit {
    Forward,
    Reply(Value),
    Drop,
}

/// The fields tower-lsp reads, unparsed; the rest is ignored. A field is
/// `Some` when present, even as `null` (`"result": null` is an answer).
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    jsonrpc: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    method: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    id: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    result: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    error: Option<&'a RawValue>,
}

fn present<'de, D>(deserializer: D) -> Result<Option<&'de RawValue>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    <&RawValue>::deserialize(deserializer).map(Some)
}

/// Whether a body goes to tower-lsp, and if not, the answer it gets.
fn admit(body: &[u8], shared: &Shared) -> Admit {
    match check(body) {
        Err((id, code, message)) => {
            tracing::warn!("refused a message: {message}");
            Admit::Reply(error(id.unwrap_or(Id::Null), code, &message))
        }
        Ok(Checked::Response | Checked::Notification) => Admit::Forward,
        Ok(Checked::Request(id, method)) => {
            let quick = class(&method) == 1;
            let (limit, count) = if quick {
                (MAX_QUICK_IN_FLIGHT, &shared.in_flight[1])
            } else {
                (MAX_IN_FLIGHT, &shared.in_flight[0])
            };
            let running = count.fetch_add(1, Ordering::Relaxed);
            if running >= limit {
                count.fetch_sub(1, Ordering::Relaxed);
                let message = format!("server busy: {running} requests running; retry later");
                return Admit::Reply(error(id, SERVER_CANCELLED, &message));
            }
            Admit::Forward
        }
        Ok(Checked::Ignored) => Admit::Drop,
    }
}

enum Checked {
    Request(Id, String),
    Notification,
    Response,
    /// A response to nothing we asked, unreadable: logged, not answered.
    Ignored,
}

type Refusal = (Option<Id>, i64, String);

fn check(body: &[u8]) -> Result<Checked, Refusal> {
    let text = std::str::from_utf8(body)
        .map_err(|e| (None, PARSE_ERROR, format!("message is not UTF-8: {e}")))?;
    let first = text.trim_start().as_bytes().first().copied();
    if first == Some(b'[') {
        return Err((
            None,
            INVALID_REQUEST,
            "batches are not supported: send one message per frame".to_owned(),
        ));
    }
    if first != Some(b'{') {
        // Not an object: a syntax error says where; a valid value says what.
        let message = match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Err(e) => format!("invalid JSON: {e}"),
            Ok(_) => "a message must be a JSON object".to_owned(),
        };
        let code = if message.starts_with("invalid JSON") {
            PARSE_ERROR
        } else {
            INVALID_REQUEST
        };
        return Err((None, code, message));
    }
    if nesting(text.as_bytes()) > MAX_DEPTH {
        return Err((
            None,
            PARSE_ERROR,
            format!("JSON nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    let envelope: Envelope<'_> = serde_json::from_str(text).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            (None, PARSE_ERROR, format!("invalid JSON: {e}"))
        } else {
            (None, INVALID_REQUEST, format!("invalid message: {e}"))
        }
    })?;
    let id = match envelope.id {
        None => None,
        Some(raw) => Some(serde_json::from_str::<Id>(raw.get()).map_err(|_| {
            (
                None,
                INVALID_REQUEST,
                format!(
                    "id must be a number or a string, not {}",
                    shown(raw.get().as_bytes())
                ),
            )
        })?),
    };
    let version = envelope
        .jsonrpc
        .and_then(|raw| serde_json::from_str::<Cow<'_, str>>(raw.get()).ok());
    if version.as_deref() != Some("2.0") {
        return Err((id, INVALID_REQUEST, "jsonrpc must be \"2.0\"".to_owned()));
    }
    let Some(method) = envelope.method else {
        if envelope.result.is_none() && envelope.error.is_none() {
            return Err((id, INVALID_REQUEST, "no method, result or error".to_owned()));
        }
        let error_ok = envelope
            .error
            .is_none_or(|raw| serde_json::from_str::<tower_lsp::jsonrpc::Error>(raw.get()).is_ok());
        if id.is_none() || !error_ok {
            tracing::warn!("ignored an unreadable response from the editor");
            return Ok(Checked::Ignored);
        }
        return Ok(Checked::Response);
    };
    let method = serde_json::from_str::<Cow<'_, str>>(method.get()).map_err(|_| {
        (
            id.clone(),
            INVALID_REQUEST,
            "method must be a string".to_owned(),
        )
    })?;
    if let Some(code) = lone_surrogate(text.as_bytes()) {
        return Err((
            id,
            PARSE_ERROR,
            format!("invalid JSON: \\u{code:04X} is half of a UTF-16 surrogate pair without its other half"),
        ));
    }
    match id {
        Some(id) => {
            if method.starts_with("$/") && !KNOWN_DOLLAR_METHODS.contains(&method.as_ref()) {
                return Err((
                    Some(id),
                    METHOD_NOT_FOUND,
                    format!("unknown method {method}"),
                ));
            }
            Ok(Checked::Request(id, method.into_owned()))
        }
        None => Ok(Checked::Notification),
    }
}

/// The first `\uXXXX` escape in a string of JSON text that is half of a
/// UTF-16 surrogate pair without its other half: serde_json, and so
/// tower-lsp, refuses such a string where it decodes it, and would stop
/// reading. (A client writing a name that is not UTF-8 as Python's
/// `json.dumps` does sends one.)
fn lone_surrogate(text: &[u8]) -> Option<u16> {
    // Most messages have no escape of this kind at all: one fast search.
    memchr::memmem::find(text, b"\\u")?;
    let mut bytes = text.iter().copied();
    let mut in_string = false;
    // A high surrogate waiting for its low half.
    let mut high: Option<u16> = None;
    while let Some(b) = bytes.next() {
        if !in_string {
            in_string = b == b'"';
            continue;
        }
        let escaped = match b {
            b'"' => {
                in_string = false;
                None
            }
            b'\\' => match bytes.next()? {
                b'u' => Some(hex4(&mut bytes)?),
                _ => None,
            },
            _ => None,
        };
        match (high, escaped) {
            (None, Some(code @ 0xD800..=0xDBFF)) => high = Some(code),
            (None, Some(code @ 0xDC00..=0xDFFF)) => return Some(code),
            (Some(_), Some(0xDC00..=0xDFFF)) => high = None,
            (Some(code), _) => return Some(code),
            (None, _) => {}
        }
    }
    high
}

/// The value of the next four hex digits.
fn hex4(bytes: &mut impl Iterator<Item = u8>) -> Option<u16> {
    let mut value = 0u16;
    for _ in 0..4 {
        let digit = char::from(bytes.next()?).to_digit(16)?;
        value = value * 16 + u16::try_from(digit).ok()?;
    }
    Some(value)
}

/// The deepest nesting of arrays and objects in JSON text (strings skipped).
fn nesting(text: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in text {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

// ---------------------------------------------------------------------------
// tower-lsp's output

/// tower-lsp's output: bytes are gathered into whole frames and handed to
/// the writer, so they never interleave with the reader's error frames.
pub struct FrameSink {
    frames: Frames,
    pending: Vec<u8>,
}

impl FrameSink {
    fn new(frames: Frames) -> FrameSink {
        FrameSink {
            frames,
            pending: Vec::new(),
        }
    }

    fn send_complete_frames(&mut self) {
        while let Header::Length { consumed, length } = parse_header(&self.pending) {
            let Some(end) = consumed.checked_add(length) else {
                return;
            };
            if self.pending.len() < end {
                return;
            }
            let rest = self.pending.split_off(end);
            let frame = std::mem::replace(&mut self.pending, rest);
            let _ = self.frames.send(frame);
        }
    }
}

impl AsyncWrite for FrameSink {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        this.pending.extend_from_slice(buf);
        this.send_complete_frames();
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(input: &[u8]) -> Vec<Result<String, String>> {
        let mut reader = FrameReader::default();
        reader.push(input);
        let mut out = Vec::new();
        while let Some(event) = reader.next_event() {
            out.push(match event {
                Event::Message(body) => Ok(String::from_utf8_lossy(&body).into_owned()),
                Event::Bad(message) => Err(message),
            });
        }
        out
    }

    #[test]
    fn frames_split_and_bad_headers_resynchronise() {
        let good = b"Content-Length: 2\r\n\r\n{}";
        let mut input = Vec::new();
        input.extend_from_slice(good);
        input.extend_from_slice(b"Content-Length: -5\r\n\r\nxxxxx");
        input.extend_from_slice(good);
        input.extend_from_slice(b"Content-Type: x\r\n\r\n{\"a\":1}");
        input.extend_from_slice(good);
        input.extend_from_slice(b"content-length: 99999999999999999999999\r\n\r\n");
        input.extend_from_slice(good);
        input.extend_from_slice(b"Content-Length: 2\n\n{}");
        let got = events(&input);
        let bodies: Vec<_> = got.iter().filter(|e| e.is_ok()).collect();
        assert_eq!(bodies.len(), 5, "{got:?}");
        assert_eq!(got.iter().filter(|e| e.is_err()).count(), 3, "{got:?}");
    }

    #[test]
    fn a_megabyte_of_junk_is_one_error_then_reading_goes_on() {
        let mut input = vec![b'x'; 1 << 20];
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        let mut reader = FrameReader::default();
        let mut results = Vec::new();
        for chunk in input.chunks(4096) {
            reader.push(chunk);
            while let Some(event) = reader.next_event() {
                results.push(matches!(event, Event::Message(_)));
            }
        }
        assert_eq!(results.last(), Some(&true));
        assert!(results.iter().filter(|ok| !**ok).count() >= 1);
        assert!(reader.buf.is_empty());
    }

    #[test]
    fn messages_are_checked_as_tower_lsp_reads_them() {
        let refused = |body: &str| check(body.as_bytes()).err().map(|(id, code, _)| (id, code));
        assert_eq!(refused("{"), Some((None, PARSE_ERROR)));
        assert_eq!(refused("[1]"), Some((None, INVALID_REQUEST)));
        assert_eq!(refused("42"), Some((None, INVALID_REQUEST)));
        assert_eq!(
            refused(r#"{"jsonrpc":"1.0","id":3,"method":"x"}"#),
            Some((Some(Id::Number(3)), INVALID_REQUEST))
        );
        assert_eq!(
            refused(r#"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#),
            Some((None, INVALID_REQUEST))
        );
        assert_eq!(
            refused(r#"{"jsonrpc":"2.0","id":"s","method":"$/unknown"}"#),
            Some((Some(Id::String("s".into())), METHOD_NOT_FOUND))
        );
        // Half a surrogate pair: serde_json refuses the string where tower-lsp
        // decodes it; a whole pair, or an escaped backslash before "u", is fine.
        for (string, lone) in [
            (r#""\udce9""#, true),
            (r#""caf\ud83d""#, true),
            (r#""\ud83dx""#, true),
            (r#""\ud83d\ud83d\ude00""#, true),
            (r#""\ud83d\ude00""#, false),
            (r#""\\udce9""#, false),
            (r#""\u00e9 \n""#, false),
        ] {
            let body = format!(
                r#"{{"jsonrpc":"2.0","id":900,"method":"gitinspector/healthCheck","params":{{"x":{string}}}}}"#
            );
            let decodes = serde_json::from_str::<Value>(&body).is_ok();
            assert_eq!(decodes, !lone, "serde_json on {string}");
            let expected = lone.then_some((Some(Id::Number(900)), PARSE_ERROR));
            assert_eq!(refused(&body), expected, "{string}");
        }
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let deep = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"x","params":{deep}}}"#);
        assert_eq!(refused(&deep).map(|r| r.1), Some(PARSE_ERROR));
        assert_eq!(
            refused("{\"jsonrpc\":\"2.0\",\"method\":\"\\u0000x\"}").map(|r| r.1),
            None,
            "an odd but valid method name is the router's business"
        );
        assert!(check(b"\xff\xfe{}").is_err());
        assert!(
            matches!(
                check(br#"{"jsonrpc":"2.0","id":0,"result":null}"#),
                Ok(Checked::Response)
            ),
            "null is an answer"
        );
        let with_bom = b"Content-Length: 40\r\n\r\n\xef\xbb\xbf{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}";
        let bodies = events(with_bom);
        let [Ok(body)] = bodies.as_slice() else {
            panic!("one message: {bodies:?}");
        };
        assert!(matches!(
            check(body.as_bytes()),
            Ok(Checked::Request(Id::Number(1), _))
        ));
    }
}

/// Property tests (fuzzing with a bounded number of cases, run by `cargo test`).
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;
    use tower_lsp::jsonrpc::{Request, Response};

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            Just(Value::from("2.0")),
            ".{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("jsonrpc".to_owned()),
                        Just("id".to_owned()),
                        Just("method".to_owned()),
                        Just("params".to_owned()),
                        Just("result".to_owned()),
                        Just("error".to_owned()),
                        "[a-z]{1,4}",
                    ],
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Message-like objects: the fields tower-lsp reads, often well-formed.
    fn message() -> impl Strategy<Value = Value> {
        let id = prop_oneof![
            any::<i64>().prop_map(Value::from),
            "[a-z0-9]{0,4}".prop_map(Value::from),
            json(),
        ];
        let method = prop_oneof!["[a-z/$]{0,12}".prop_map(Value::from), json()];
        let error = prop_oneof![
            (any::<i64>(), ".{0,6}")
                .prop_map(|(code, message)| serde_json::json!({"code": code, "message": message})),
            json(),
        ];
        (
            prop::option::of(prop_oneof![Just(Value::from("2.0")), json()]),
            prop::option::of(id),
            prop::option::of(method),
            prop::option::of(json()),
            prop::option::of(json()),
            prop::option::of(error),
        )
            .prop_map(|(jsonrpc, id, method, params, result, error)| {
                let mut m = serde_json::Map::new();
                for (k, v) in [
                    ("jsonrpc", jsonrpc),
                    ("id", id),
                    ("method", method),
                    ("params", params),
                    ("result", result),
                    ("error", error),
                ] {
                    if let Some(v) = v {
                        m.insert(k.to_owned(), v);
                    }
                }
                Value::Object(m)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Whatever bytes arrive, in whatever pieces, reading never panics,
        /// and a frame after junk (no header in it) still gets through.
        #[test]
        fn junk_in_any_pieces_then_a_frame(
            junk in prop::collection::vec(any::<u8>().prop_filter("no header", |b| *b != b':'), 0..3000),
            cuts in prop::collection::vec(1usize..97, 1..40),
        ) {
            let good = br#"{"jsonrpc":"2.0","id":1,"method":"x"}"#;
            let mut input = junk.clone();
            input.extend_from_slice(format!("Content-Length: {}\r\n\r\n", good.len()).as_bytes());
            input.extend_from_slice(good);
            let mut reader = FrameReader::default();
            let mut got = Vec::new();
            let mut rest = &input[..];
            let mut k = 0;
            while !rest.is_empty() {
                let n = cuts[k % cuts.len()].min(rest.len());
                let (piece, tail) = rest.split_at(n);
                reader.push(piece);
                while let Some(event) = reader.next_event() {
                    if let Event::Message(body) = event {
                        got.push(body);
                    }
                }
                rest = tail;
                k += 1;
            }
            prop_assert_eq!(got.last().map(Vec::as_slice), Some(&good[..]));
        }

        /// Any bytes as a body: checking never panics.
        #[test]
        fn any_body_is_checked_without_panicking(body in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = check(&body);
        }

        /// What is let through, tower-lsp reads: it never meets a message
        /// that would make it stop reading.
        #[test]
        fn what_is_admitted_tower_lsp_can_read(value in prop_oneof![message(), json()]) {
            let body = value.to_string();
            match check(body.as_bytes()) {
                Ok(Checked::Request(..) | Checked::Notification) => {
                    prop_assert!(serde_json::from_str::<Request>(&body).is_ok(), "{}", body);
                }
                Ok(Checked::Response) => {
                    prop_assert!(serde_json::from_str::<Response>(&body).is_ok(), "{}", body);
                }
                Ok(Checked::Ignored) | Err(_) => {}
            }
        }
    }
}
