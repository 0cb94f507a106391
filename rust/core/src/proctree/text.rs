//! The tree as indented text, for terminals and copy-paste into a report.

use std::fmt::Write;

use super::tree::{Field, ProcTree};
use crate::table::cells::trim_cell;
use crate::table::format_time_ms;

/// Renders `nodes` (in the order given; depth-first order reads as a tree)
/// one process per line, indented by depth relative to the shallowest,
/// with its command line and account on the lines below:
///
/// ```text
/// + cmd.exe  PID 0x10  2024-01-01T00:00:00Z
///   | cmd /c whoami
///   | user: alice  id: S-1-5-18  logon: 0x3e7
///    +-- whoami.exe  PID 0x20  2024-01-01T00:00:01Z
/// ```
///
/// Inferred processes are marked `[inferred]`. Control characters are
/// escaped, so a command line cannot drive the terminal.
pub fn tree_to_text(tree: &ProcTree<'_>, nodes: impl IntoIterator<Item = usize>) -> String {
    let nodes: Vec<usize> = nodes.into_iter().filter(|&n| n < tree.len()).collect();
    let base = nodes
        .iter()
        .map(|&n| tree.nodes()[n].depth)
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for n in nodes {
        let node = &tree.nodes()[n];
        let level = node.depth - base;
        let (head, pad) = if level == 0 {
            ("+ ".to_string(), "  ".to_string())
        } else {
            (
                format!("{}+-- ", "   ".repeat(level)),
                "   ".repeat(level + 1) + " ",
            )
        };
        let text = |f| clean(trim_cell(tree.cell(n, f).unwrap_or("")));
        let time = node.time_ms.map(format_time_ms).unwrap_or_default();
        let name = match text(Field::Name) {
            n if n.is_empty() => "unknown".to_string(),
            n => n,
        };
        let mut line = format!("{head}{name}  PID {}", text(Field::Pid));
        if !time.is_empty() {
            let _ = write!(line, "  {time}");
        }
        if node.is_inferred() {
            line.push_str("  [inferred]");
        }
        out.push_str(line.trim_end());
        out.push('\n');
        let cmd = text(Field::Cmd);
        if !cmd.is_empty() {
            let _ = writeln!(out, "{pad}| {cmd}");
        }
        let mut account = Vec::new();
        let user = text(Field::User);
        if !user.is_empty() {
            account.push(format!("user: {user}"));
        }
        let user_id = text(Field::UserId);
        if !user_id.is_empty() {
            account.push(format!("id: {user_id}"));
        }
        if let Some(logon) = tree.effective_logon_id(n).map(|l| clean(trim_cell(l))) {
            if !logon.is_empty() {
                account.push(format!("logon: {logon}"));
            }
        }
        if !account.is_empty() {
            let _ = writeln!(out, "{pad}| {}", account.join("  "));
        }
    }
    out
}

fn clean(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{build_tree, ProcSchema};
    use super::*;
    use crate::table::{read_table, TableFormat};

    #[test]
    fn indented_with_details() {
        let t = read_table(
            b"t,name,pid,ppid,cmd,user\n\
              2024-01-01T00:00:00Z,cmd.exe,0x10,0x4,cmd /c whoami,alice\n\
              2024-01-01T00:00:01Z,whoami.exe,0x20,0x10,\"whoami\x1b[2J\",alice\n",
            TableFormat::Csv,
        )
        .unwrap();
        let schema = ProcSchema {
            cmd_line: Some("cmd".into()),
            user_name: Some("user".into()),
            ..ProcSchema::new("t", "name", "pid", "ppid")
        };
        let tree = build_tree(&t, &schema).unwrap();
        assert_eq!(
            tree_to_text(&tree, 0..tree.len()),
            "+ unknown  PID 0x4  [inferred]\n   \
             +-- cmd.exe  PID 0x10  2024-01-01T00:00:00Z\n       \
             | cmd /c whoami\n       \
             | user: alice\n      \
             +-- whoami.exe  PID 0x20  2024-01-01T00:00:01Z\n          \
             | whoami\\u{1b}[2J\n          \
             | user: alice\n"
        );
        let sub = tree_to_text(&tree, tree.descendants(1, None));
        assert!(sub.starts_with("+ whoami.exe"), "{sub}");
    }
}
