namespace Captioning.Notebooks;

/// <summary>The stylesheet shared by notebook reports and the report index, inlined so each page is one file.</summary>
internal static class ReportStyle
{
    public const string Css = """
        :root { --ink:#1f2328; --muted:#656d76; --line:#d0d7de; --soft:#f6f8fa; --accent:#0072B2; --bad:#cf222e; --ok:#1a7f37; }
        * { box-sizing:border-box; }
        body { margin:0; color:var(--ink); background:#fff; font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; }
        a { color:var(--accent); } a:hover { text-decoration:underline; }
        main { max-width:1040px; margin:0 auto; padding:32px 28px 64px; }
        header.run { border-bottom:1px solid var(--line); margin-bottom:28px; padding-bottom:14px; }
        header.run h1 { margin:0 0 6px; font-size:2rem; line-height:1.25; }
        .meta { color:var(--muted); font-size:.9rem; display:flex; flex-wrap:wrap; gap:6px 18px; }
        .badge { display:inline-block; padding:1px 9px; border-radius:999px; font-size:.8rem; font-weight:600; color:#fff; background:var(--ok); }
        .badge.failed { background:var(--bad); }
        .params code { background:var(--soft); border:1px solid var(--line); border-radius:4px; padding:0 5px; margin-right:4px; }
        .markdown h1 { font-size:1.7rem; margin:1.6em 0 .4em; } .markdown h2 { font-size:1.35rem; margin:1.6em 0 .4em; border-bottom:1px solid var(--line); padding-bottom:.2em; }
        .markdown h3 { font-size:1.1rem; margin:1.3em 0 .3em; } .markdown p, .markdown li { max-width:76ch; }
        .markdown code, .output code { font:.88em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; background:var(--soft); padding:.1em .35em; border-radius:4px; }
        .markdown pre code { background:none; padding:0; }
        .markdown table, table.metric-table { border-collapse:collapse; margin:12px 0; font-size:.92rem; }
        .markdown th, .markdown td, table.metric-table th, table.metric-table td { border:1px solid var(--line); padding:5px 12px; }
        table.metric-table caption { caption-side:top; text-align:left; font-weight:600; padding-bottom:6px; }
        table.metric-table thead th { background:var(--soft); } table.metric-table tbody th { text-align:left; font-weight:600; }
        table.metric-table td { text-align:right; font-variant-numeric:tabular-nums; } table.metric-table td.best { font-weight:700; color:var(--accent); }
        table.metric-table .ci { color:var(--muted); font-size:.85em; }
        section.cell { margin:18px 0; }
        details.code { border:1px solid var(--line); border-radius:8px; background:var(--soft); }
        details.code summary { cursor:pointer; padding:6px 12px; color:var(--muted); font-size:.85rem; list-style:none; display:flex; gap:12px; }
        details.code summary::before { content:"▸"; } details.code[open] summary::before { content:"▾"; }
        details.code summary .first { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; color:var(--ink); overflow:hidden; text-overflow:ellipsis; white-space:nowrap; flex:1; }
        details.code pre { margin:0; padding:10px 14px; border-top:1px solid var(--line); background:#fff; border-radius:0 0 8px 8px; overflow-x:auto; font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; }
        .cell.failed details.code { border-color:var(--bad); } .cell.notrun { opacity:.55; }
        .output { margin:10px 0 0 0; overflow-x:auto; }
        .output pre { margin:0; padding:8px 12px; font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; white-space:pre-wrap; border-left:3px solid var(--line); }
        .output pre.stderr { border-left-color:#d4a72c; } .output pre.error { border-left-color:var(--bad); color:var(--bad); background:#fff5f5; }
        .output img { max-width:100%; }
        .caption-gallery h4 { margin:8px 0; }
        .gallery-sort { font-size:.85rem; color:var(--muted); margin-bottom:8px; }
        .gallery-sort button { font:inherit; margin-left:6px; padding:2px 10px; border:1px solid var(--line); border-radius:6px; background:#fff; cursor:pointer; }
        .gallery-grid { display:grid; grid-template-columns:repeat(auto-fill,minmax(230px,1fr)); gap:16px; }
        .gallery-item { margin:0; border:1px solid var(--line); border-radius:10px; overflow:hidden; background:#fff; }
        .gallery-item img, .gallery-item .no-image { display:block; width:100%; aspect-ratio:4/3; object-fit:cover; background:var(--soft); }
        .gallery-item .no-image { color:var(--muted); text-align:center; line-height:8; }
        .gallery-item figcaption { padding:8px 12px 10px; font-size:.9rem; }
        .gallery-item .generated { font-weight:600; } .gallery-item .scores { color:var(--accent); font-size:.82rem; margin:2px 0; }
        .gallery-item .references { margin:4px 0 0; padding-left:18px; color:var(--muted); font-size:.8rem; }
        .gallery-item .image-id { color:var(--muted); font-size:.72rem; margin-top:4px; }
        .index-table { border-collapse:collapse; width:100%; } .index-table th, .index-table td { border-bottom:1px solid var(--line); padding:8px 10px; text-align:left; }
        footer { margin-top:48px; color:var(--muted); font-size:.8rem; border-top:1px solid var(--line); padding-top:10px; }
        """;
}
