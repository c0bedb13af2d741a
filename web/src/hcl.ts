// HCL highlighting for CodeMirror: a small stream tokenizer (HCL1 and HCL2 as Consul writes them —
// comments, strings with escapes and ${…}, heredocs, numbers, keys, block types).
import { StreamLanguage, type StringStream } from "@codemirror/language";

interface HclState {
  inString: boolean;
  inComment: boolean;
  heredoc: string | null;
}

function tokenString(stream: StringStream, state: HclState): string {
  let ch: string | void;
  while ((ch = stream.next()) !== undefined) {
    if (ch === "\\") {
      stream.next();
    } else if (ch === '"') {
      state.inString = false;
      break;
    }
  }
  return "string";
}

export const hcl = StreamLanguage.define<HclState>({
  name: "hcl",
  startState: () => ({ inString: false, inComment: false, heredoc: null }),
  copyState: (s) => ({ ...s }),
  token(stream, state) {
    if (state.heredoc !== null) {
      if (stream.sol() && stream.match(new RegExp(`^\\s*${state.heredoc}\\s*$`))) {
        state.heredoc = null;
        return "string";
      }
      stream.skipToEnd();
      return "string";
    }
    if (state.inComment) {
      if (stream.skipTo("*/")) {
        stream.match("*/");
        state.inComment = false;
      } else {
        stream.skipToEnd();
      }
      return "comment";
    }
    if (state.inString) return tokenString(stream, state);
    if (stream.eatSpace()) return null;
    if (stream.match("#") || stream.match("//")) {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match("/*")) {
      state.inComment = true;
      return "comment";
    }
    const heredoc = stream.match(/^<<-?([A-Za-z_][A-Za-z0-9_]*)/);
    if (heredoc && typeof heredoc === "object") {
      state.heredoc = heredoc[1];
      return "string";
    }
    if (stream.peek() === '"') {
      stream.next();
      state.inString = true;
      return tokenString(stream, state);
    }
    if (stream.match(/^-?\d+(\.\d+)?([eE][+-]?\d+)?/)) return "number";
    if (stream.match(/^(true|false|null)\b/)) return "atom";
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_-]*/)) {
      if (stream.match(/^\s*(=(?!=)|:)/, false)) return "propertyName";
      if (stream.match(/^\s*(\{|")/, false)) return "typeName";
      return "variableName";
    }
    if (stream.match(/^[{}[\]()]/)) return "bracket";
    if (stream.match(/^(==|!=|<=|>=|&&|\|\||[=:,?!<>+\-*/%.])/)) return "operator";
    stream.next();
    return null;
  },
  languageData: {
    commentTokens: { line: "#", block: { open: "/*", close: "*/" } },
  },
});
