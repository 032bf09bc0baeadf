"""The Vietnamese catalogue of the messages about unit data: the model's checks of units (codes, parents, values,
numbers) and the readers (CSV, YAML, XLSX workbooks, JSON bodies, records)."""

# English template → Vietnamese template. Keep the placeholders' names identical on both sides.
MESSAGES: dict[str, str] = {
    # data/fields.py
    "the file has {size:n} bytes, more than the {limit:n} a data file may have":
        "tệp có {size} byte, vượt mức tối đa {limit} byte của một tệp dữ liệu",
    "split it into several files (one per tier or per district) and name them all, or name their folder":
        "hãy tách thành nhiều tệp (mỗi khối hoặc mỗi huyện một tệp) rồi chỉ ra tất cả các tệp, "
        "hoặc chỉ ra thư mục chứa chúng",
    # data/frame_checks.py
    "the frame has no '{column}' column": "bảng dữ liệu (DataFrame) không có cột '{column}'",
    "the frame has a column name twice": "bảng dữ liệu (DataFrame) có một tên cột bị lặp lại",
    # data/readers.py
    "cannot read '{path}': use a .yaml, .yml, .csv or .xlsx file":
        "không đọc được '{path}': hãy dùng tệp .yaml, .yml, .csv hoặc .xlsx",
    "no such unit list: {path}": "không có tệp danh sách đơn vị: {path}",
    "a unit list needs the columns 'code' and 'tier'": "danh sách đơn vị cần có các cột 'code' và 'tier'",
    "unreadable CSV record: {reason:t}": "không đọc được bản ghi CSV: {reason}",
    "field larger than field limit ({limit:n})": "ô dài quá giới hạn ({limit} ký tự)",
    "check the quotes: a cell that starts with \" must end with \"":
        "hãy kiểm tra dấu nháy kép: ô bắt đầu bằng \" thì phải kết thúc bằng \"",
    "expected a header row": "tệp cần có một dòng tiêu đề",
    "column {number:n} of the header has no name": "cột thứ {number} của dòng tiêu đề không có tên",
    "name the column, or remove the comma that makes it (often one at the end of the header line)":
        "hãy đặt tên cho cột, hoặc xóa dấu phẩy tạo ra cột đó (thường là dấu phẩy ở cuối dòng tiêu đề)",
    "'{name}' is given both in column '{name}' and in the pair columns '{name}.a', '{name}.b'":
        "'{name}' được ghi cả ở cột '{name}' lẫn ở hai cột của cặp '{name}.a', '{name}.b'",
    "keep column '{name}' for one value, or '{name}.a' and '{name}.b' for a pair":
        "chỉ giữ cột '{name}' nếu là một giá trị, hoặc hai cột '{name}.a' và '{name}.b' nếu là một cặp",
    "the file looks like UTF-16 text (every other byte is zero)":
        "tệp có vẻ là văn bản UTF-16 (cứ một byte lại có một byte 0)",
    "save it as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)')":
        "hãy lưu lại dạng UTF-8 (trong Excel: 'CSV UTF-8 (Comma delimited)')",
    "the header's cells are separated by {called:t}, not by commas":
        "các ô của dòng tiêu đề được ngăn cách bằng {called}, không phải bằng dấu phẩy",
    "semicolons": "dấu chấm phẩy",
    "tabs": "ký tự tab",
    "save it as CSV with commas (in Excel: 'CSV UTF-8 (Comma delimited)')":
        "hãy lưu lại dạng CSV ngăn cách bằng dấu phẩy (trong Excel: 'CSV UTF-8 (Comma delimited)')",
    "expected a header row and at least one row of data under it": "cần một dòng tiêu đề và ít nhất một dòng dữ liệu bên dưới",
    "the file is UTF-8 text, not Windows-1258 (line {line:n} is UTF-8)":
        "tệp là văn bản UTF-8, không phải Windows-1258 (dòng {line} là UTF-8)",
    "read it without --encoding cp1258: UTF-8 is the default": "hãy đọc tệp mà không dùng --encoding cp1258: mặc định là UTF-8",
    "pair '{name}' needs both columns '{name}.a' and '{name}.b'": "cặp '{name}' cần có cả hai cột '{name}.a' và '{name}.b'",
    # data/records.py
    "data are read from a file or a folder (a path), or a list of them, not {kind}; records in memory: "
    "cqdt_rules.assessments_from_records":
        "dữ liệu được đọc từ một tệp hoặc một thư mục (một đường dẫn), hoặc một danh sách các đường dẫn đó, không phải "
        "{kind}; bản ghi trong bộ nhớ: cqdt_rules.assessments_from_records",
    "score with a ruleset (cqdt_rules.load(...)), a ruleset's path, a shipped ruleset id or an assessment year, "
    "not {kind}":
        "hãy chấm điểm với một bộ tiêu chí (cqdt_rules.load(...)), đường dẫn của một bộ tiêu chí, mã một bộ tiêu chí "
        "có sẵn hoặc một năm đánh giá, không phải {kind}",
    "score assessments, not {kind}: read them with cqdt_rules.load_assessments(path), records (dicts) with "
    "cqdt_rules.assessments_from_records(records), or give the data file's path":
        "hãy chấm điểm các bản đánh giá, không phải {kind}: đọc chúng bằng cqdt_rules.load_assessments(path), các "
        "bản ghi (dict) bằng cqdt_rules.assessments_from_records(records), hoặc ghi đường dẫn của tệp dữ liệu",
    "expected a list of records (dicts), one per unit, not one record: pass [record]":
        "cần một danh sách các bản ghi (dict), mỗi đơn vị một bản ghi, không phải một bản ghi: hãy truyền [record]",
    "expected a list of records (dicts), one per unit, not {kind}":
        "cần một danh sách các bản ghi (dict), mỗi đơn vị một bản ghi, không phải {kind}",
    "expected a dict for a unit, got {kind}": "mỗi đơn vị phải là một dict, nhận được {kind}",
    "expected a dict of indicator values": "cần một dict các giá trị chỉ số",
    "'{key}' is given twice (also under 'values')": "'{key}' được ghi hai lần (cả trong 'values')",
    "pair '{name}' needs both '{name}.a' and '{name}.b'": "cặp '{name}' cần có cả '{name}.a' và '{name}.b'",
    "expected a dict: indicator → list of references": "cần một dict: chỉ số → danh sách tham chiếu",
    # data/workbook.py
    "ruleset '{id}' has no tier '{tier}'; {hint:t}": "bộ tiêu chí '{id}' không có khối '{tier}'; {hint}",
    "Excel forms need openpyxl: pip install 'cqdt-rules[xlsx]'":
        "phiếu Excel cần gói openpyxl: pip install 'cqdt-rules[xlsx]'",
    "unknown source '{source}': use {sources}": "nguồn '{source}' không hợp lệ: dùng {sources}",
    "cannot write '{path}': {reason:t}": "không ghi được '{path}': {reason}",
    "cannot read the workbook: {reason:t}": "không đọc được tệp Excel: {reason}",
    "the file is not an Excel workbook (.xlsx)": "tệp không phải là tệp Excel (.xlsx)",
    "save it in Excel as .xlsx (Excel Workbook); a CSV or an .xls file renamed to .xlsx, or a workbook protected by a "
    "password, cannot be read":
        "hãy mở bằng Excel và lưu dạng .xlsx (Excel Workbook); không đọc được tệp CSV hay tệp .xls chỉ đổi tên thành "
        ".xlsx, hoặc tệp Excel có đặt mật khẩu",
    "the workbook cannot be read: its contents are damaged": "không đọc được tệp Excel: nội dung tệp bị hỏng",
    "open it in Excel and save it again as .xlsx (Excel Workbook), or copy the values into a new form made with "
    "'cqdt template'":
        "hãy mở bằng Excel và lưu lại dạng .xlsx (Excel Workbook), hoặc chép các giá trị sang một phiếu mới tạo bằng "
        "'cqdt template'",
    "the workbook unpacks to {size:n} bytes, more than the {limit:n} a form may have":
        "tệp Excel khi giải nén có {size} byte, vượt mức tối đa {limit} byte của một phiếu",
    "delete the rows and cells below the form's table, or copy the values into a new form made with 'cqdt template'":
        "hãy xóa các dòng và ô bên dưới bảng của phiếu, hoặc chép các giá trị sang một phiếu mới tạo bằng "
        "'cqdt template'",
    "the sheet holds a value below row {limit:n}, the last row of a form that is read":
        "trang tính có giá trị nằm dưới dòng {limit}, dòng cuối cùng của phiếu được đọc",
    "delete the rows below the form's table (or clear the cell)":
        "hãy xóa các dòng bên dưới bảng của phiếu (hoặc xóa nội dung ô này)",
    "tier '{tier}' needs {rows:n} rows in a form, more than the {limit:n} a form may have":
        "khối '{tier}' cần {rows} dòng trong phiếu, vượt mức tối đa {limit} dòng của một phiếu",
    "the cell holds a formula without a computed value ({formula})":
        "ô chứa công thức chưa được tính ra giá trị ({formula})",
    "type the value itself, or open the file in Excel and save it, so that Excel computes the formula's value":
        "hãy nhập trực tiếp giá trị, hoặc mở tệp bằng Excel rồi lưu lại để Excel tính giá trị của công thức",
    "a and b are counts: type whole numbers, without a thousands separator (1281, not 1.281)":
        "a và b là số đếm: hãy nhập số nguyên, không dùng dấu phân cách hàng nghìn (1281, không phải 1.281)",
    "write the number without a comma: a decimal with a point (1.8), a thousand without a separator (1000)":
        "hãy viết số không có dấu phẩy: số thập phân dùng dấu chấm (1.8), hàng nghìn không dùng dấu phân cách (1000)",
    "not a cqdt data-entry form (it has no '_cqdt' sheet)":
        "không phải phiếu nhập liệu của cqdt (không có trang tính '_cqdt')",
    "make the form with 'cqdt template RULESET --tier T' and fill that one in":
        "hãy tạo phiếu bằng 'cqdt template RULESET --tier T' rồi điền vào phiếu đó",
    "the form's sheet '{sheet}' is missing (sheets: {sheets})":
        "phiếu thiếu trang tính '{sheet}' (các trang tính hiện có: {sheets})",
    "do not rename or delete the form's sheet": "không đổi tên hoặc xóa trang tính của phiếu",
    # why the hidden sheet is damaged (data/workbook.py, _read_meta)
    "the form's hidden '{sheet}' sheet is damaged ({reason:t})": "trang tính ẩn '{sheet}' của phiếu bị hỏng ({reason})",
    "an indicator entry without name and kind": "có mục chỉ số thiếu tên và kiểu",
    "the form's sheet name or its identity cells are missing": "thiếu tên trang tính của phiếu hoặc các ô thông tin đơn vị",
    "an identity cell is not a cell reference": "một ô thông tin đơn vị không phải là địa chỉ ô",
    "the cells of the unit's code, name or year are not named": "chưa chỉ rõ các ô mã, tên hoặc năm của đơn vị",
    "indicator entry {name} is not what cqdt wrote": "mục chỉ số {name} không còn như cqdt đã ghi",
    "copy the values into a new form made with 'cqdt template'":
        "hãy chép các giá trị sang một phiếu mới tạo bằng 'cqdt template'",
    "form format '{found}' is not '{expected}'": "định dạng phiếu '{found}' không phải là '{expected}'",
    "make a new form with 'cqdt template' from this version of cqdt":
        "hãy tạo phiếu mới bằng 'cqdt template' của phiên bản cqdt này",
    "leave the cell empty in a self-assessment form": "hãy để trống ô này trong phiếu tự đánh giá",
    "the form has no {what:t} ('{label}')": "phiếu chưa có {what} ('{label}')",
    "unit code": "mã đơn vị",
    "unit name": "tên đơn vị",
    "assessment year": "năm đánh giá",
    "fill in cell {cell}": "hãy điền vào ô {cell}",
    "unknown source '{source}'": "nguồn '{source}' không hợp lệ",
    "choose {names}": "chọn {names}",
    "the form is for tier '{tier}', the cell says '{value}'": "phiếu dành cho khối '{tier}', nhưng ô lại ghi '{value}'",
    "do not change the tier; make a form for the other tier with 'cqdt template'":
        "không đổi khối; hãy tạo phiếu cho khối kia bằng 'cqdt template'",
    "indicator '{name}' appears twice (first in row {row})": "chỉ số '{name}' xuất hiện hai lần (lần đầu ở dòng {row})",
    "the row of indicator '{name}' ({label}) is missing": "thiếu dòng của chỉ số '{name}' ({label})",
    "do not delete rows of the form; make a new one with 'cqdt template'":
        "không xóa dòng của phiếu; hãy tạo phiếu mới bằng 'cqdt template'",
    # every problem of a form is prefixed with its cell, on the form's sheet as cqdt names it (_FormReader.problem):
    # the sheet's name is written out, so that these outrank a message's own template that begins with a quote
    "'Phiếu đánh giá'!{cell}: {problem:t}": "'Phiếu đánh giá'!{cell}: {problem}",
    "'Assessment form'!{cell}: {problem:t}": "'Assessment form'!{cell}: {problem}",
    "'{sheet}'!{cell}: unit '{code}', '{name}' ({label}): '{value}' is not an allowed category":
        "'{sheet}'!{cell}: đơn vị '{code}', '{name}' ({label}): '{value}' không phải là loại được phép",
    # a value's problem in a form, with the indicator's label (data/workbook.py, _value)
    "unit '{code}', '{name}' ({label}): {problem:t}": "đơn vị '{code}', '{name}' ({label}): {problem}",
    "'{name}' ({label}): {problem:t}": "'{name}' ({label}): {problem}",
    "the numerator a is empty": "tử số a đang để trống",
    "the denominator b is empty": "mẫu số b đang để trống",
    "a pair needs both a and b": "một cặp cần có cả a và b",
    "expected {what:t}, got '{value}'": "cần {what}, nhận được '{value}'",
    "enter digits only, without units or text": "chỉ nhập chữ số, không kèm đơn vị tính hay chữ",
    "a number of points": "một số điểm",
    "choose one of: {names}": "chọn một trong: {names}",
    "no value": "chưa có giá trị",
    "fill in the cell": "hãy điền vào ô này",
    "fill in the cell and the denominator b": "hãy điền vào ô này và mẫu số b",
    "the unit list needs the columns 'code' and 'name'": "danh sách đơn vị cần có các cột 'code' và 'name'",
    "the unit list's row holds a control character ({char})": "một dòng của danh sách đơn vị chứa ký tự điều khiển ({char})",
    "names and codes are plain text on one line": "tên và mã là văn bản thường, viết trên một dòng",
    "the unit list {path} has no unit of tier '{tier}'": "danh sách đơn vị {path} không có đơn vị nào thuộc khối '{tier}'",
    # data/yaml_units.py
    "'{name}' is given twice in the file": "'{name}' được ghi hai lần trong tệp",
    "unknown top-level field '{name}'": "trường '{name}' ở cấp ngoài cùng của tệp không hợp lệ",
    "top-level fields: {names}": "các trường ở cấp ngoài cùng của tệp: {names}",
    "expected a mapping for the file": "nội dung tệp phải là một ánh xạ (tên: giá trị)",
    "expected a mapping for values": "'values' phải là một ánh xạ (chỉ số: giá trị)",
    "expected a mapping for evidence": "'evidence' phải là một ánh xạ (chỉ số: tài liệu kiểm chứng)",
    "'{name}' is given twice in {what:t}": "'{name}' được ghi hai lần trong {what}",
    "'{name}' is given twice in a unit": "'{name}' được ghi hai lần trong một đơn vị",
    "'{name}' is given twice in values": "'{name}' được ghi hai lần trong 'values'",
    "'{name}' is given twice in evidence": "'{name}' được ghi hai lần trong 'evidence'",
    # model/checking.py
    "takes one value ({kind:t}), not a pair": "chỉ nhận một giá trị ({kind}), không phải một cặp",
    "write it in one column '{name}', not in '{name}.a' and '{name}.b' (in YAML: one value, not a list)":
        "hãy ghi vào một cột '{name}', không phải hai cột '{name}.a' và '{name}.b' (trong YAML: một giá trị, không phải danh sách)",
    "a pair has two parts, a and b, not {count:n}": "một cặp có hai phần a và b, không phải {count}",
    "'{text}' may be read two ways: a count is written without a point":
        "'{text}' có thể hiểu theo hai cách: số đếm được viết không có dấu chấm",
    "write {grouped} if the point separates thousands, or {plain} if it is a decimal point":
        "hãy viết {grouped} nếu dấu chấm ngăn cách hàng nghìn, hoặc {plain} nếu đó là dấu thập phân",
    "part {part} of the pair is empty": "phần {part} của cặp đang để trống",
    "write both numbers, a and b (0 where there is none)": "hãy ghi cả hai số a và b (ghi 0 nếu không có)",
    "evidence for unknown indicator '{name}'": "có tài liệu kiểm chứng cho '{name}' nhưng không có chỉ số này",
    # data/yamlfile.py
    "the file holds more than one YAML document": "tệp có nhiều hơn một tài liệu YAML",
    "keep one: a line '---' starts another document; put each in a file of its own":
        "chỉ giữ một tài liệu: mỗi dòng '---' bắt đầu một tài liệu khác; hãy tách mỗi tài liệu ra một tệp riêng",
    "the file holds {count:n} characters, more than the {limit:n} a YAML file may have":
        "tệp có {count} ký tự, vượt mức tối đa {limit} ký tự của một tệp YAML",
    "split it into several files": "hãy tách thành nhiều tệp",
    "a line is indented or nested more than {limit:n} columns deep": "một dòng thụt lề hoặc lồng sâu quá {limit} cột",
    "a quoted text starts here but its closing quote is missing": "một văn bản mở dấu nháy ở đây nhưng thiếu dấu nháy đóng",
    "end the text with the same quote; write a \" inside \"...\" as \\\", a ' inside '...' as ''":
        "hãy kết thúc văn bản bằng chính dấu nháy đã mở; dấu \" bên trong \"...\" viết là \\\", dấu ' bên trong '...' viết là ''",
    "a tab character where YAML allows only spaces": "ký tự tab ở chỗ YAML chỉ cho phép dấu cách",
    "indent with spaces (and separate a key's ':' from its value with a space)":
        "hãy thụt lề bằng dấu cách (và cách dấu ':' của khóa với giá trị bằng một dấu cách)",
    "a ': ' inside a value that is not quoted": "có ': ' bên trong một giá trị không đặt trong dấu nháy",
    "put the value in quotes, e.g. name: \"Sở A: khối B\"": "hãy đặt giá trị trong dấu nháy, ví dụ name: \"Sở A: khối B\"",
    "this line is not indented as the lines above it": "dòng này không thụt lề khớp với các dòng phía trên",
    "indent the entries of one list or mapping by the same number of spaces; a value holding ': ' or starting with "
    "a quote must be quoted whole":
        "hãy thụt lề các mục của cùng một danh sách hoặc bảng ánh xạ bằng cùng số dấu cách; giá trị chứa ': ' "
        "hoặc bắt đầu bằng dấu nháy phải được đặt trọn trong dấu nháy",
    "check the quotes, brackets and indentation here and just above":
        "hãy kiểm tra dấu nháy, dấu ngoặc và thụt lề ở đây và ngay phía trên",
    # model/units.py (SOURCES_HINT)
    "use 'self' (self-assessed), 'district' (verified by the district) or 'audit' (verified by the audit team)":
        "dùng 'self' (tự đánh giá), 'district' (huyện thẩm tra) hoặc 'audit' (đoàn thẩm định thẩm định)",
    # model/checking.py
    "a unit has an empty code": "một đơn vị có mã để trống",
    "unit '{code}' of tier '{tier}' has no parent district":
        "đơn vị '{code}' thuộc khối '{tier}' chưa ghi huyện cấp trên (parent)",
    "give its district's code as 'parent': this tier ranks or normalises within the district":
        "hãy ghi mã huyện của đơn vị vào 'parent': khối này xếp hạng hoặc chuẩn hoá trong phạm vi huyện",
    "'{name}' is entered only by the audit team, not in {stage:t}":
        "'{name}' chỉ do đoàn thẩm định nhập, không nhập trong {stage}",
    "a self-assessment": "bản tự đánh giá",
    "the district's verification": "bản thẩm tra của cấp huyện",
    "remove the value from {stage:t}": "hãy bỏ giá trị này khỏi {stage}",
    # a value's problem (model/checking.py, coerce_value)
    "write [a, b], {a: .., b: ..} or 'a/b'": "viết [a, b], {a: .., b: ..} hoặc 'a/b'",
    "a pair cannot be negative ({a}/{b})": "cặp không được âm ({a}/{b})",
    "a = {value:n} is outside {low}..{high}": "a = {value} nằm ngoài khoảng {low}..{high}",
    "b = {value:n} is outside {low}..{high}": "b = {value} nằm ngoài khoảng {low}..{high}",
    "{number:n} points is above the criterion's maximum {max:n}": "{number} điểm vượt điểm tối đa {max} của tiêu chí",
    "an assessed score must lie in 0..{max}": "điểm được chấm phải nằm trong khoảng 0..{max}",
    "{number:n} is outside the declared range {low}..{high}": "{number} nằm ngoài khoảng giá trị đã khai báo {low}..{high}",
    # model/numbers.py
    "yes/no is not a number": "giá trị có/không (yes/no) không phải là số",
    "not a number": "không phải là số",
    "not a number written with the digits 0-9": "không phải là số viết bằng các chữ số 0-9",
    # model/parents.py
    "the parent '{parent}' of unit '{code}' is a unit of its own tier '{tier}'":
        "đơn vị cấp trên '{parent}' của đơn vị '{code}' lại thuộc chính khối '{tier}' của nó",
    "the parent '{parent}' of unit '{code}' is a unit of tier '{tier}', but the parents of the other units of tier "
    "'{own}' are of tier '{usual}'":
        "đơn vị cấp trên '{parent}' của đơn vị '{code}' thuộc khối '{tier}', trong khi đơn vị cấp trên của các đơn vị "
        "khác thuộc khối '{own}' đều thuộc khối '{usual}'",
    "check the code of its district": "hãy kiểm tra lại mã huyện của đơn vị",
    # model/text.py
    "the file is not {encoding} text (line {line:n}, column {column:n}); it looks like {guess:t}":
        "tệp không phải văn bản {encoding} (dòng {line}, cột {column}); có vẻ là {guess}",
    "UTF-16 (Excel's 'Unicode Text')": "UTF-16 (dạng 'Unicode Text' của Excel)",
    "a binary file or an unknown encoding": "một tệp nhị phân hoặc một bảng mã không xác định",
    "an 8-bit ANSI code page such as Windows-1252": "một bảng mã ANSI 8 bit như Windows-1252",
    "cannot read data in '{encoding}': use one of {encodings}":
        "không đọc được dữ liệu theo bảng mã '{encoding}': hãy dùng một trong {encodings}",
}
