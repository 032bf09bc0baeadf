"""The help of `cqdt` and of its commands in Vietnamese: argparse's own headings, each command's one-line help
and every argument's help. The English text, written where the argument is declared, is the key (as in the
catalogue of ``cqdt_rules.i18n``). Imported only when a help is formatted, so a command that runs never reads it;
``tests/test_languages.py`` checks that every help a command declares is here, placeholders (``%(default)s``,
``%%``) included."""

from __future__ import annotations

from cqdt_rules.errors import ERRORS_SHOWN_PER_KIND


def help_in(text: str, lang: str) -> str:
    """A help text (or heading) in ``lang``; one the catalogue does not know is shown as written."""
    return text if lang == "en" else HELP_VI.get(text, text)


HELP_VI: dict[str, str] = {
    # ------------------------------------------------------------ argparse's own (Python 3.11)
    "positional arguments": "đối số vị trí",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    # ------------------------------------------------------------ cqdt, and what every command takes
    "Score and rank units against rulesets written in the cqdt language.":
        "Chấm điểm và xếp hạng các đơn vị theo bộ tiêu chí viết bằng ngôn ngữ cqdt.",
    "the package version and the shipped rulesets (id, version, status), then exit":
        "phiên bản của gói và các bộ tiêu chí có sẵn (mã, phiên bản, trạng thái), rồi thoát",
    "language and number format of the output": "ngôn ngữ và cách viết số của kết quả in ra",
    "a table to read, or CSV for a spreadsheet or another program":
        "bảng để đọc, hoặc CSV cho bảng tính hay chương trình khác",
    "a table to read, or JSON or CSV for another program": "bảng để đọc, hoặc JSON hay CSV cho chương trình khác",
    "a table to read, or another form for a spreadsheet or a program":
        "bảng để đọc, hoặc dạng khác cho bảng tính hay chương trình",
    "the year of the records to use, when the data hold several": "năm của bản ghi cần dùng, khi dữ liệu có nhiều năm",
    "which of the unit's records to use, when the data hold several":
        "dùng bản ghi nào của đơn vị, khi dữ liệu có nhiều bản ghi",
    "which records to use (default: '%(default)s')": "dùng bản ghi nào (mặc định: '%(default)s')",
    "an HTML page, Markdown, or a Word document (docx, with --out)":
        "trang HTML, Markdown, hoặc văn bản Word (docx, kèm --out)",
    "the SQL to write: DuckDB, PostgreSQL or Spark SQL": "viết SQL cho: DuckDB, PostgreSQL hoặc Spark SQL",
    "the new version's status (default: '%(default)s'); an approved one names its --decision":
        "trạng thái của phiên bản mới (mặc định: '%(default)s'); phiên bản được phê duyệt ghi rõ --decision",
    f"print every error (by default at most {ERRORS_SHOWN_PER_KIND} of one kind per file, then how many more)":
        f"in mọi lỗi (mặc định mỗi loại lỗi chỉ in tối đa {ERRORS_SHOWN_PER_KIND} lỗi trong một tệp, rồi cho biết "
        "còn bao nhiêu lỗi nữa)",
    "read YAML and CSV data files in this encoding: utf-8 (the default) or cp1258 "
    "(Windows-1258, Excel's 'CSV' on a Vietnamese Windows)":
        "đọc tệp dữ liệu YAML và CSV theo bảng mã này: utf-8 (mặc định) hoặc cp1258 "
        "(Windows-1258, dạng 'CSV' của Excel trên Windows tiếng Việt)",
    # ------------------------------------------------------------ the commands' one-line helps
    "Check a ruleset: every error and warning with its position.":
        "Kiểm tra một bộ tiêu chí: mọi lỗi và cảnh báo kèm vị trí.",
    "Score unit data with a ruleset: points, totals, levels and ranks.":
        "Chấm điểm dữ liệu đơn vị theo một bộ tiêu chí: điểm, tổng điểm, mức và hạng.",
    "Explain one unit's points, criterion by criterion.": "Giải thích điểm của một đơn vị theo từng tiêu chí.",
    "The main job: per tier, units assessed, counts and shares per level, change against last year, rankings "
    "(communes per district), top and bottom units.":
        "Việc chính: theo từng khối, số đơn vị được đánh giá, số lượng và tỷ lệ theo mức, thay đổi so với năm trước, "
        "bảng xếp hạng (xã theo từng huyện), các đơn vị đứng đầu và cuối bảng.",
    "The transition year side by side: each unit's earlier level and rank beside its later index value, band and "
    "rank, joined on unit code.":
        "Năm chuyển tiếp đặt cạnh nhau: mức và hạng trước đây của từng đơn vị bên cạnh giá trị chỉ số, bậc và hạng "
        "sau này, ghép theo mã đơn vị.",
    "Rewrite ruleset files in the canonical layout, keeping every comment (--check for CI, --diff to preview).":
        "Viết lại các tệp bộ tiêu chí theo dạng chuẩn, giữ nguyên mọi chú thích (--check cho CI, --diff để xem trước).",
    "List what changed between two rulesets, node by node (e.g. what an amendment changes).":
        "Liệt kê những gì thay đổi giữa hai bộ tiêu chí, theo từng nút (ví dụ những gì một văn bản sửa đổi thay đổi).",
    "Run the ruleset tests beside a ruleset (expected points, levels, ranks) and report coverage.":
        "Chạy các trường hợp kiểm thử đặt cạnh bộ tiêu chí (điểm, mức, hạng mong đợi) và cho biết độ phủ.",
    "Write the yearly report: a self-contained HTML page and Markdown (section IV text per tier, rankings with "
    "communes by district, charts, each unit's points explained), optionally XLSX rankings and a DOCX draft.":
        "Lập báo cáo hằng năm: một trang HTML độc lập và bản Markdown (nội dung phần IV theo từng khối, bảng xếp hạng "
        "với xã theo huyện, biểu đồ, giải thích điểm của từng đơn vị), tùy chọn thêm bảng xếp hạng XLSX và bản dự "
        "thảo DOCX.",
    "Year over year: counts per level against last year, each unit's level and rank change and the criteria that "
    "moved it.":
        "So sánh giữa hai năm: số lượng theo mức so với năm trước, thay đổi mức và hạng của từng đơn vị và các tiêu "
        "chí dẫn đến thay đổi đó.",
    "Write the Excel data-entry form for a tier: Vietnamese labels, one input cell per indicator, validation, "
    "evidence column, protected labels (needs openpyxl).":
        "Tạo biểu mẫu Excel nhập số liệu cho một khối: nhãn tiếng Việt, mỗi chỉ số một ô nhập, kiểm tra giá trị nhập, "
        "cột tài liệu kiểm chứng, nhãn được khóa (cần openpyxl).",
    "Self-assessment against audit: points claimed and verified per criterion, the difference, the evidence "
    "required and missing; units without an audited record are listed as not audited.":
        "Đối chiếu tự đánh giá với thẩm định: điểm tự chấm và điểm thẩm định theo từng tiêu chí, chênh lệch, tài liệu "
        "kiểm chứng yêu cầu và còn thiếu; đơn vị chưa có kết quả thẩm định được liệt kê là chưa thẩm định.",
    "Drafts and the approved result: every version kept, results per version, and the change log between "
    "versions with reasons; --add records a new version.":
        "Các bản dự thảo và kết quả được phê duyệt: lưu mọi phiên bản, kết quả theo từng phiên bản và nhật ký thay "
        "đổi giữa các phiên bản kèm lý do; --add ghi một phiên bản mới.",
    "Compare district indicators that count their communes with the communes' own records (mapping declared in "
    "crosscheck.yaml beside the ruleset).":
        "Đối chiếu các chỉ số cấp huyện đếm theo xã với số liệu của chính các xã (bảng đối chiếu khai báo trong "
        "crosscheck.yaml đặt cạnh bộ tiêu chí).",
    "What it would take: points missing to the next level and the criteria with the most points still available, "
    "in the order to work on them.":
        "Cần làm gì để lên mức: số điểm còn thiếu để đạt mức kế tiếp và các tiêu chí còn nhiều điểm có thể đạt nhất, "
        "theo thứ tự nên thực hiện.",
    "Shortcomings: per tier or district, the criteria units lose most points on and how many units are below "
    "full points; with --criterion, the units failing it.":
        "Tồn tại, hạn chế: theo từng khối hoặc huyện, các tiêu chí các đơn vị bị mất nhiều điểm nhất và số đơn vị "
        "chưa đạt điểm tối đa; với --criterion, các đơn vị chưa đạt tiêu chí đó.",
    "The ruleset as the official table: STT, criterion, maximum points, how it is scored in words, provenance, "
    "group subtotals and level cut-offs (html, md or docx).":
        "Bộ tiêu chí dưới dạng bảng chính thức: STT, tiêu chí, điểm tối đa, cách chấm diễn đạt bằng lời, nguồn gốc, "
        "tổng điểm từng nhóm và ngưỡng các mức (html, md hoặc docx).",
    "Print a ruleset's scoring query (a view per tier) for DuckDB, PostgreSQL or Spark SQL.":
        "In truy vấn chấm điểm của một bộ tiêu chí (mỗi khối một khung nhìn) cho DuckDB, PostgreSQL hoặc Spark SQL.",
    "Serve the rulesets over HTTP: scoring, checking, forms (needs the serve extra).":
        "Cung cấp các bộ tiêu chí qua HTTP: chấm điểm, kiểm tra, biểu mẫu (cần phần bổ sung 'serve').",
    "How robust each unit's level and rank is: Monte-Carlo perturbation of the criteria maxima, level cut-offs and "
    "indicator values (P(level as published), rank intervals), and sensitivity indices.":
        "Độ vững của mức và hạng của từng đơn vị: gây nhiễu Monte-Carlo điểm tối đa của các tiêu chí, ngưỡng các "
        "mức và giá trị chỉ số (P(mức như đã công bố), khoảng hạng), và các chỉ số độ nhạy.",
    # ------------------------------------------------------------ rulesets and data
    "a ruleset file, a folder holding one, or a shipped ruleset id":
        "tệp bộ tiêu chí, thư mục chứa một tệp như vậy, hoặc mã của một bộ tiêu chí có sẵn",
    "unit data files (.yaml, .csv, .xlsx) or folders of them":
        "các tệp dữ liệu đơn vị (.yaml, .csv, .xlsx) hoặc thư mục chứa chúng",
    "this year's unit data (.yaml, .csv, .xlsx) or folders of them":
        "dữ liệu đơn vị năm nay (.yaml, .csv, .xlsx) hoặc thư mục chứa chúng",
    "the province's unit list (columns code, tier, like units.csv): every unit's parent must be in the data or in "
    "this list":
        "danh sách đơn vị của tỉnh (các cột 'code', 'tier', như units.csv): đơn vị cấp trên của mọi đơn vị phải có "
        "trong dữ liệu hoặc trong danh sách này",
    "last year's data, scored with the same ruleset": "dữ liệu năm trước, chấm theo cùng bộ tiêu chí",
    "last year's data (scored with the same ruleset unless --previous-ruleset)":
        "dữ liệu năm trước (chấm theo cùng bộ tiêu chí, trừ khi có --previous-ruleset)",
    "the ruleset for --previous when it differs": "bộ tiêu chí cho --previous khi khác bộ hiện tại",
    "the ruleset for --previous when it differs (e.g. egov_2020 beside dti_2023)":
        "bộ tiêu chí cho --previous khi khác bộ hiện tại (ví dụ egov_2020 bên cạnh dti_2023)",
    "the earlier ruleset (e.g. egov_2020)": "bộ tiêu chí trước (ví dụ egov_2020)",
    "the later ruleset (e.g. dti_2023)": "bộ tiêu chí sau (ví dụ dti_2023)",
    "data scored with it (e.g. examples/gialai/egov-2022-audit.yaml)":
        "dữ liệu chấm theo bộ đó (ví dụ examples/gialai/egov-2022-audit.yaml)",
    "data scored with it (e.g. examples/gialai/dti-2023-audit.yaml)":
        "dữ liệu chấm theo bộ đó (ví dụ examples/gialai/dti-2023-audit.yaml)",
    "the assessment year to report when the data holds several; --previous data holding several years gives "
    "the year before":
        "năm đánh giá cần báo cáo khi dữ liệu có nhiều năm; nếu dữ liệu --previous có nhiều năm thì lấy năm liền trước",
    "the assessment year when the data holds several": "năm đánh giá khi dữ liệu có nhiều năm",
    "which stage to report: self, district (the district's verification of its communes), audit, or latest "
    "(default: per tier the latest stage every unit of it has)":
        "giai đoạn cần báo cáo: 'self' (tự đánh giá), 'district' (cấp huyện thẩm tra các xã), 'audit' (thẩm định) "
        "hoặc 'latest' (mặc định: với mỗi khối, giai đoạn mới nhất mà mọi đơn vị của khối đều có)",
    # ------------------------------------------------------------ what is printed, and where
    "write to this file instead of standard output": "ghi vào tệp này thay vì ra đầu ra chuẩn",
    "write to this file (required for docx); default standard output":
        "ghi vào tệp này (bắt buộc với docx); mặc định ra đầu ra chuẩn",
    "language and number format of the table": "ngôn ngữ và cách viết số của bảng",
    "language and number format (default vi)": "ngôn ngữ và cách viết số (mặc định vi)",
    "language and number format (default: vi)": "ngôn ngữ và cách viết số (mặc định: vi)",
    "language of the form's labels (default: vi)": "ngôn ngữ của các nhãn trên biểu mẫu (mặc định: vi)",
    "only this tier (so, huyen, xa)": "chỉ khối này (so, huyen, xa)",
    "only this tier (so, huyen, xa); default every tier": "chỉ khối này (so, huyen, xa); mặc định mọi khối",
    "only this tier (repeatable)": "chỉ khối này (dùng được nhiều lần)",
    "one tier (default: every tier)": "một khối (mặc định: mọi khối)",
    # ------------------------------------------------------------ score, explain, summary
    "score in Python (default) or with the ruleset compiled to SQL in embedded DuckDB":
        "chấm điểm bằng Python (mặc định) hoặc bằng bộ tiêu chí dịch sang SQL chạy trong DuckDB nhúng",
    "with --engine duckdb: a long-form table of the DuckDB database named by DATA":
        "với --engine duckdb: một bảng dạng dài trong cơ sở dữ liệu DuckDB chỉ ra bởi DATA",
    "the unit's code (e.g. SO13, 622, 23575)": "mã của đơn vị (ví dụ SO13, 622, 23575)",
    "also write the full results (JSON and CSV) and this summary to DIR":
        "ghi thêm toàn bộ kết quả (JSON và CSV) và bản tổng hợp này vào DIR",
    "counts and movers only, no ranking tables": "chỉ số lượng và các đơn vị thay đổi, không có bảng xếp hạng",
    # ------------------------------------------------------------ fmt, diff, test
    "ruleset files, or folders (every .cqdt file inside); '-' reads standard input and writes the result to "
    "standard output":
        "các tệp bộ tiêu chí, hoặc thư mục (mọi tệp .cqdt bên trong); '-' đọc từ đầu vào chuẩn và ghi kết quả ra "
        "đầu ra chuẩn",
    "change nothing; list the files that are not canonical and exit 1 if there are any (for CI)":
        "không sửa gì; liệt kê các tệp chưa đúng dạng chuẩn và thoát với mã 1 nếu có (dùng cho CI)",
    "change nothing; show what would change as a unified diff":
        "không sửa gì; hiện những chỗ sẽ thay đổi dưới dạng unified diff",
    "the earlier ruleset: a file, a folder holding one, a shipped ruleset id or a year":
        "bộ tiêu chí trước: một tệp, thư mục chứa một tệp như vậy, mã bộ tiêu chí có sẵn hoặc một năm",
    "the later ruleset, e.g. an amendment of OLD": "bộ tiêu chí sau, ví dụ văn bản sửa đổi của OLD",
    "md and html: the changed rows before and after, in the layout of the decision's appendix":
        "md và html: các dòng thay đổi trước và sau, theo bố cục phụ lục của quyết định",
    "exit with 1 when the rulesets differ and 0 when they do not (as git diff --exit-code)":
        "thoát với mã 1 khi hai bộ tiêu chí khác nhau, mã 0 khi giống nhau (như git diff --exit-code)",
    "the test file (default: the '.tests.yaml' file beside the ruleset)":
        "tệp kiểm thử (mặc định: tệp '.tests.yaml' đặt cạnh bộ tiêu chí)",
    "also fail when coverage is below PERCENT (overrides the file's min_coverage)":
        "cũng tính là không đạt khi độ phủ dưới PERCENT (thay cho min_coverage của tệp)",
    "print only failures, the summary and coverage": "chỉ in các trường hợp không đạt, phần tổng kết và độ phủ",
    "also list the items that were exercised": "liệt kê cả các mục đã được kiểm",
    # ------------------------------------------------------------ report, compare
    "folder to write the report files to": "thư mục ghi các tệp báo cáo",
    "comma-separated: html, md, xlsx (needs the 'xlsx' extra), docx (needs the 'docx' extra); default html,md":
        "cách nhau bằng dấu phẩy: html, md, xlsx (cần phần bổ sung 'xlsx'), docx (cần phần bổ sung 'docx'); "
        "mặc định html,md",
    "the report's title (default: 'Kết quả đánh giá, xếp hạng năm YEAR')":
        "tiêu đề báo cáo (mặc định: 'Kết quả đánh giá, xếp hạng năm YEAR')",
    "earlier (and later) years' data, files or folders holding several years: each unit's level and rank over "
    "the years, units per level per year, the units that rose or fell over several years; each year is scored "
    "with the ruleset that declares it":
        "dữ liệu các năm trước (và sau), tệp hoặc thư mục chứa nhiều năm: mức và hạng của từng đơn vị qua các năm, "
        "số đơn vị theo mức từng năm, các đơn vị tăng hoặc giảm qua nhiều năm; mỗi năm được chấm theo bộ tiêu chí "
        "áp dụng cho năm đó",
    "a label shown on every output, e.g. 'Dữ liệu giả lập'; by default the data files' own label is used when "
    "they say they are synthetic":
        "nhãn hiện trên mọi đầu ra, ví dụ 'Dữ liệu giả lập'; mặc định dùng nhãn của chính các tệp dữ liệu khi "
        "các tệp cho biết đó là dữ liệu giả lập",
    "add a section on how robust levels and ranks are: RUNS perturbations of what the options below say (by "
    "default the criteria maxima, ±20%%; see 'cqdt sensitivity')":
        "thêm một phần về độ vững của mức và hạng: RUNS lần gây nhiễu theo các tùy chọn dưới đây (mặc định "
        "điểm tối đa các tiêu chí, ±20%%; xem 'cqdt sensitivity')",
    "random seed of --sensitivity (the same seed gives the same figures)":
        "hạt giống ngẫu nhiên của --sensitivity (cùng hạt giống cho cùng số liệu)",
    "only this unit: every criterion that changed, with its title": "chỉ đơn vị này: mọi tiêu chí đã thay đổi, kèm tên",
    "criteria named per unit, those in the direction it moved (default 3)":
        "số tiêu chí nêu cho mỗi đơn vị, là các tiêu chí cùng chiều thay đổi của đơn vị (mặc định 3)",
    "order of units: largest rise first (default), this year's rank, or code":
        "thứ tự các đơn vị: tăng nhiều nhất trước (mặc định), theo hạng năm nay, hoặc theo mã",
    # ------------------------------------------------------------ template, audit, versions, crosscheck, gaps
    "the tier the form is for (e.g. so, huyen, xa)": "khối của biểu mẫu (ví dụ so, huyen, xa)",
    "a self-assessment form (default), the district's verification form for its communes, or the audit team's "
    "form (with audit-only indicators)":
        "biểu mẫu tự đánh giá (mặc định), biểu mẫu cấp huyện thẩm tra các xã, hoặc biểu mẫu của đoàn thẩm định "
        "(có các chỉ số chỉ dùng khi thẩm định)",
    "pre-fill the assessment year": "điền sẵn năm đánh giá",
    "a unit list (columns code, name, tier, parent): one pre-filled form per unit of the tier":
        "danh sách đơn vị (các cột 'code', 'name', 'tier', 'parent'): mỗi đơn vị của khối một biểu mẫu điền sẵn",
    "the .xlsx file to write (with --units: the folder); default RULESET-TIER.xlsx (with --units: "
    "RULESET-TIER-forms/)":
        "tệp .xlsx cần ghi (với --units: thư mục); mặc định RULESET-TIER.xlsx (với --units: RULESET-TIER-forms/)",
    "one unit's code: every criterion, claimed against verified, with its evidence":
        "mã một đơn vị: mọi tiêu chí, điểm tự chấm so với điểm thẩm định, kèm tài liệu kiểm chứng",
    "with --unit: every criterion, not only those that differ":
        "với --unit: mọi tiêu chí, không chỉ những tiêu chí có chênh lệch",
    "exit with 1 when a unit has no audited record": "thoát với mã 1 khi có đơn vị chưa có kết quả thẩm định",
    "recording a new version": "ghi một phiên bản mới",
    "the versions folder (one sub-folder per version, each with version.yaml and its data)":
        "thư mục các phiên bản (mỗi phiên bản một thư mục con, gồm version.yaml và dữ liệu của phiên bản)",
    "score every version with this ruleset instead of the one each version names":
        "chấm mọi phiên bản theo bộ tiêu chí này thay vì bộ mà từng phiên bản ghi",
    "which records to compare (default: audit when every version has them, else self)":
        "loại bản ghi cần so sánh (mặc định: 'audit' khi mọi phiên bản đều có, nếu không thì 'self')",
    "show one unit only": "chỉ hiện một đơn vị",
    "record DATA (files or folders) as the next version": "ghi DATA (tệp hoặc thư mục) thành phiên bản tiếp theo",
    "the new version's label, e.g. 'Dự thảo lần 2'": "nhãn của phiên bản mới, ví dụ 'Dự thảo lần 2'",
    "why this version was made (comments taken in, evidence added, decision)":
        "lý do có phiên bản này (tiếp thu ý kiến, bổ sung tài liệu kiểm chứng, quyết định)",
    "who made it": "người lập",
    "its date, YYYY-MM-DD (default: today)": "ngày lập, YYYY-MM-DD (mặc định: hôm nay)",
    "for the approved version: the decision that approves it": "với phiên bản được phê duyệt: quyết định phê duyệt",
    "the mapping file (default: crosscheck.yaml beside the ruleset)":
        "tệp đối chiếu (mặc định: crosscheck.yaml đặt cạnh bộ tiêu chí)",
    "whose records to compare (default: self, the values the units declared)":
        "bản ghi của bên nào cần so sánh (mặc định: 'self', số liệu các đơn vị tự khai)",
    "compare the districts' records with the communes' records of this source instead":
        "so sánh bản ghi của các huyện với bản ghi của các xã thuộc nguồn này",
    "list the indicators that agree too": "liệt kê cả các chỉ số khớp nhau",
    "one unit's code: every criterion with points still available, in order":
        "mã một đơn vị: mọi tiêu chí còn có thể đạt thêm điểm, theo thứ tự",
    "which records (default: the audited ones when there are any, else self)":
        "loại bản ghi (mặc định: bản thẩm định nếu có, nếu không thì 'self')",
    "how many criteria to list (per unit: all; in the overview: 3)":
        "số tiêu chí liệt kê (cho một đơn vị: tất cả; trong phần tổng quan: 3)",
    # ------------------------------------------------------------ shortfalls
    "one list per district (communes)": "mỗi huyện một danh sách (các xã)",
    "the units failing this criterion (below full points) or yes/no indicator (answered no); needs --tier":
        "các đơn vị chưa đạt tiêu chí này (dưới điểm tối đa) hoặc chỉ số có/không này (trả lời không); cần --tier",
    "rank criteria by points lost in total (default) or by units below full points":
        "xếp các tiêu chí theo tổng số điểm bị mất (mặc định) hoặc theo số đơn vị dưới điểm tối đa",
    "criteria listed per tier or district (default 10)": "số tiêu chí liệt kê cho mỗi khối hoặc huyện (mặc định 10)",
    # ------------------------------------------------------------ sql
    "the long-form input table (default: cqdt_input)": "bảng đầu vào dạng dài (mặc định: cqdt_input)",
    "a comment per criterion: its title, maximum and provenance (in the language of --lang)":
        "mỗi tiêu chí một dòng chú thích: tên, điểm tối đa và nguồn gốc (bằng ngôn ngữ của --lang)",
    "print the data-check query instead of the scores": "in truy vấn kiểm tra dữ liệu thay cho truy vấn tính điểm",
    # ------------------------------------------------------------ serve
    "the address to listen on (default 127.0.0.1: this machine only)":
        "địa chỉ lắng nghe (mặc định 127.0.0.1: chỉ máy này)",
    "the port (default 8000)": "cổng (mặc định 8000)",
    "a ruleset to serve: file, folder, shipped id or year; repeat for several (default: every shipped ruleset)":
        "một bộ tiêu chí cần phục vụ: tệp, thư mục, mã có sẵn hoặc năm; lặp lại để phục vụ nhiều bộ "
        "(mặc định: mọi bộ tiêu chí có sẵn)",
    "a stored cohort for ruleset ID (a data file or folder): requests with \"cohort\": \"stored\" score their "
    "units within it":
        "nhóm so sánh lưu sẵn cho bộ tiêu chí ID (một tệp hoặc thư mục dữ liệu): các yêu cầu có \"cohort\": "
        "\"stored\" được chấm trong nhóm này",
    "worker processes, one per core (default 1; see docs/service.md)":
        "số tiến trình xử lý, mỗi lõi một tiến trình (mặc định 1; xem docs/service.md)",
    "the largest request body read (default %(default)s)":
        "kích thước lớn nhất của nội dung yêu cầu được đọc, tính bằng byte (mặc định %(default)s)",
    "the largest ruleset text accepted in a request (default %(default)s)":
        "độ dài lớn nhất của văn bản bộ tiêu chí nhận trong một yêu cầu, tính bằng byte (mặc định %(default)s)",
    # ------------------------------------------------------------ sensitivity
    "perturbations (default 1000)": "số lần nhiễu (mặc định 1000)",
    "random seed: the same seed gives the same figures": "hạt giống ngẫu nhiên: cùng hạt giống cho cùng số liệu",
    "each criterion's maximum moves uniformly within ± this share (default 20%%; 0 keeps maxima)":
        "điểm tối đa của mỗi tiêu chí dao động đều trong khoảng ± tỷ lệ này (mặc định 20%%; 0 giữ nguyên điểm tối đa)",
    "a declared factor range for the criteria of one top-level group, e.g. B=0.9..1.3 (repeatable)":
        "khoảng hệ số khai báo cho các tiêu chí của một nhóm cấp cao nhất, ví dụ B=0.9..1.3 (dùng được nhiều lần)",
    "each level cut-off moves within ± this many points (percentage points for percentage cut-offs)":
        "ngưỡng của mỗi mức dao động trong khoảng ± số điểm này (điểm phần trăm với ngưỡng tính theo phần trăm)",
    "keep the perturbed total as it is (default: rescale it to the published maximum)":
        "giữ nguyên tổng điểm sau khi gây nhiễu (mặc định: quy đổi lại theo điểm tối đa đã công bố)",
    "every numeric indicator's value moves uniformly within ± this measurement error: a share of the value (10%%) "
    "or an amount in the indicator's unit (2); with --spread 0, the values alone vary":
        "giá trị của mọi chỉ số dạng số dao động đều trong khoảng ± sai số đo này: một tỷ lệ của giá trị (10%%) "
        "hoặc một lượng theo đơn vị của chỉ số (2); với --spread 0, chỉ riêng giá trị dao động",
    "the measurement error of one indicator, or of every number a criterion or group reads, e.g. ho_so_dung_han=5%% "
    "or B=2 (repeatable; the most specific applies)":
        "sai số đo của một chỉ số, hoặc của mọi số mà một tiêu chí hay nhóm đọc, ví dụ ho_so_dung_han=5%% hoặc B=2 "
        "(dùng được nhiều lần; khai báo cụ thể nhất được áp dụng)",
    "also the first-order and total-effect sensitivity indices, from N Saltelli base samples":
        "tính thêm chỉ số độ nhạy bậc nhất và toàn phần, từ N mẫu cơ sở Saltelli",
    "units listed per tier (default 10)": "số đơn vị liệt kê cho mỗi khối (mặc định 10)",
}
