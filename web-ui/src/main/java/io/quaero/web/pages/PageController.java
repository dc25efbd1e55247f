package io.quaero.web.pages;

import java.util.UUID;

import io.quaero.access.Caller;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The pages. Each renders {@code pages/templates/<page>.html} inside the one layout; the data
 * comes from the browser's own calls to the jobs API and the streams, not from here.
 */
@Controller
class PageController {

    @GetMapping("/")
    String home() {
        return "redirect:/jobs";
    }

    @GetMapping("/jobs")
    String jobs(Model model) {
        model.addAttribute("nav", "jobs");
        return "jobs";
    }

    /** A malformed id is a 400 before any page is drawn (Spring's type conversion). */
    @GetMapping("/jobs/{id}")
    String job(@PathVariable UUID id, Model model) {
        model.addAttribute("nav", "jobs");
        model.addAttribute("jobId", id.toString());
        return "job";
    }

    /** Public (the access table): the form posts to {@code /api/session}, then goes back to {@code next}. */
    @GetMapping("/signin")
    String signIn() {
        return "signin";
    }

    /** Who is signed in, for the layout (their name, and what only admins see). */
    @ModelAttribute("caller")
    @Nullable Caller caller() {
        return Caller.current().orElse(null);
    }

    @GetMapping("/service-logs")
    String serviceLogs(Model model) {
        model.addAttribute("nav", "service-logs");
        return "service-logs";
    }
}
