# Install rules for what is not a target, and the Debian package:
#   cmake --preset release && cmake --build --preset release && (cd build/release && cpack -G DEB)
# Programs install to bin/ (their own CMakeLists); resources to share/revcol-studio, where core's
# resourceDir() finds them from <prefix>/bin (core/src/pipeline/class_labels.cpp).
include(${CMAKE_CURRENT_LIST_DIR}/version.cmake)
include(GNUInstallDirs)

if(TARGET revcol-cli)
  install(TARGETS revcol-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
if(TARGET revcol-studio)
  install(TARGETS revcol-studio RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

set(REVCOL_SHARE ${CMAKE_INSTALL_DATADIR}/revcol-studio)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/resources/labels ${PROJECT_SOURCE_DIR}/resources/samples
  ${PROJECT_SOURCE_DIR}/resources/help DESTINATION ${REVCOL_SHARE})
# Demo checkpoints and their model cards (CKPT.json: training image size, accuracy, command); the
# tools that make them stay in the sources.
file(GLOB REVCOL_DEMO_MODELS ${PROJECT_SOURCE_DIR}/models/demo/*.pth ${PROJECT_SOURCE_DIR}/models/demo/*.pth.json)
if(REVCOL_DEMO_MODELS)
  install(FILES ${REVCOL_DEMO_MODELS} DESTINATION ${REVCOL_SHARE}/models)
endif()
install(FILES ${PROJECT_SOURCE_DIR}/resources/desktop/revcol-studio.desktop
  ${PROJECT_SOURCE_DIR}/resources/desktop/revcol-live.desktop
  DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/revcol-studio.svg
  DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
install(FILES ${PROJECT_SOURCE_DIR}/resources/mime/revcol-studio.xml
  DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages)

set(CPACK_PACKAGE_NAME revcol-studio)
set(CPACK_PACKAGE_VENDOR "RevCol Studio")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Look inside Reversible Column Networks (RevCol)")
set(CPACK_PACKAGE_DESCRIPTION
  "Loads official RevCol checkpoints and shows every column's feature maps at every level beside the reversible-reconstruction error. revcol-studio (Qt 6), revcol-cli (headless) and revcol-live (full-screen classroom viewer).")
set(CPACK_PACKAGE_CONTACT "RevCol Studio maintainers <revcol-studio@example.org>")
set(CPACK_PACKAGE_INSTALL_DIRECTORY revcol-studio)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps turns every linked .so into its package (libtorch1.13, libqt6*6, libopencv-*406,
# libglfw3, libgl1, ...); below are what it cannot see: the BLAS libtorch runs fast with, the font
# revcol-live draws with.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread")
if(REVCOL_LIVE)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", fonts-dejavu-core")
endif()
# The .desktop and MIME files need the desktop databases refreshed; Debian's triggers for
# /usr/share/applications and /usr/share/mime/packages do that on install (shared-mime-info).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "shared-mime-info, xdg-utils")
set(CPACK_GENERATOR DEB)
include(CPack)
