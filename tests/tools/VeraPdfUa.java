// Validates PDFs against veraPDF's PDF/UA-1 profile and prints, per file, PASS or FAIL with each
// failed rule (clause-test, message, how many times). Exit 0 when every file passes, 1 otherwise.
// Run by tests/tools/verapdf, which puts veraPDF's library on the class path.
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.TreeMap;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;

public class VeraPdfUa {
    public static void main(String[] args) throws Exception {
        VeraGreenfieldFoundryProvider.initialise();
        int failedFiles = 0;
        for (String path : args) {
            TreeMap<String, Integer> failed = new TreeMap<>();
            try (InputStream in = new FileInputStream(path);
                 PDFAParser parser = Foundries.defaultInstance().createParser(in, PDFAFlavour.PDFUA_1)) {
                PDFAValidator validator = Foundries.defaultInstance().createValidator(PDFAFlavour.PDFUA_1, true);
                ValidationResult result = validator.validate(parser);
                for (TestAssertion a : result.getTestAssertions()) {
                    if (a.getStatus() == TestAssertion.Status.FAILED) {
                        String rule = a.getRuleId().getClause() + "-" + a.getRuleId().getTestNumber();
                        failed.merge(rule + " " + a.getMessage(), 1, Integer::sum);
                    }
                }
                System.out.println(path + ": " + (result.isCompliant() ? "PASS" : "FAIL") + " (" + failed.size() + " failed rules)");
            }
            for (var e : failed.entrySet()) System.out.println("  " + e.getKey() + " x" + e.getValue());
            if (!failed.isEmpty()) failedFiles++;
        }
        System.exit(failedFiles == 0 ? 0 : 1);
    }
}
